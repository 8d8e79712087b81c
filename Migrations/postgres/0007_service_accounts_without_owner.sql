-- Service accounts the management API creates may have no owner
-- (management service_accounts/create).
ALTER TABLE service_accounts ALTER COLUMN owner_id DROP NOT NULL;
