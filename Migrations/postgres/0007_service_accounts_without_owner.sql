-- Service accounts the management API creates may have no owner
-- (api-admin.md B2 service_accounts/create).
ALTER TABLE service_accounts ALTER COLUMN owner_id DROP NOT NULL;
