-- Indexes for the admin API's filtered lists: users by
-- state, level, role and time; labels by (key, value); activities by category
-- and date; profiles by country.
CREATE INDEX users_state ON users(state, id);
CREATE INDEX users_level ON users(level, id);
CREATE INDEX users_state_level ON users(state, level, id);
CREATE INDEX users_role ON users(role, id);
CREATE INDEX users_created_at ON users(created_at);
CREATE INDEX users_updated_at ON users(updated_at);
CREATE INDEX labels_key_value ON labels(key, value);
CREATE INDEX activities_category ON activities(category, id);
CREATE INDEX activities_created_at ON activities(created_at);
CREATE INDEX profiles_country ON profiles(country);
-- Exact-match email filters (the unique index is on lower(email)).
CREATE INDEX users_email ON users(email);
-- Who created a profile through the admin API (double verification).
ALTER TABLE profiles ADD COLUMN author TEXT;
