-- Default permissions. Users and service accounts may call
-- every API under api/v2/ except the admin ones; staff roles may call all
-- of it, and their state-changing admin calls are audited.
INSERT INTO permissions (role, verb, path, action, topic, created_at, updated_at)
SELECT role, 'ALL', 'api/v2/', 'ACCEPT', NULL, 0, 0
FROM (SELECT 'member' AS role UNION ALL SELECT 'trader' UNION ALL SELECT 'broker' UNION ALL SELECT 'maker'
      UNION ALL SELECT 'service_account' UNION ALL SELECT 'sa_maker'
      UNION ALL SELECT 'superadmin' UNION ALL SELECT 'admin' UNION ALL SELECT 'accountant'
      UNION ALL SELECT 'compliance' UNION ALL SELECT 'support' UNION ALL SELECT 'technical') AS r;

INSERT INTO permissions (role, verb, path, action, topic, created_at, updated_at)
SELECT r.role, 'ALL', p.path, 'DROP', NULL, 0, 0
FROM (SELECT 'member' AS role UNION ALL SELECT 'trader' UNION ALL SELECT 'broker' UNION ALL SELECT 'maker'
      UNION ALL SELECT 'service_account' UNION ALL SELECT 'sa_maker') AS r,
     (SELECT 'api/v2/admin' AS path UNION ALL SELECT 'api/v2/barong/admin' UNION ALL SELECT 'api/v2/peatio/admin') AS p;

INSERT INTO permissions (role, verb, path, action, topic, created_at, updated_at)
SELECT r.role, v.verb, p.path, 'AUDIT', NULL, 0, 0
FROM (SELECT 'superadmin' AS role UNION ALL SELECT 'admin' UNION ALL SELECT 'accountant'
      UNION ALL SELECT 'compliance' UNION ALL SELECT 'support' UNION ALL SELECT 'technical') AS r,
     (SELECT 'POST' AS verb UNION ALL SELECT 'PUT' UNION ALL SELECT 'PATCH' UNION ALL SELECT 'DELETE') AS v,
     (SELECT 'api/v2/admin' AS path UNION ALL SELECT 'api/v2/barong/admin' UNION ALL SELECT 'api/v2/peatio/admin') AS p;
