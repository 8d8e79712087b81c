# Portcullis — the two commands of docs/operating.md, runnable as root on a
# fresh Debian machine: everything they need is installed here when missing.

SWIFT       ?= swift
RELEASE_BIN := .build/release/portcullis
PYTHON      ?= python3
# Debian packages the build and the tests need (sqlite is bundled by sqlite-nio);
# uap-core: ua-parser's regexes.yaml, read at start to name the browser of a new sign-in.
BUILD_DEBS  := pkg-config libqrencode-dev libpng-dev libmaxminddb-dev librabbitmq-dev libcbor-dev uap-core
# postgresql: the integration suite runs a second time against a throwaway
# cluster it starts itself (initdb/pg_ctl from /usr/lib/postgresql/*/bin).
# iproute2: the client-address test runs nginx and a client in a network namespace of its own (unshare + ip).
# chromium + chromium-driver: the admin console's browser tests (Selenium drives Debian's headless Chromium).
TEST_DEBS   := nginx-light postgresql iproute2 rabbitmq-server chromium chromium-driver
# Python modules for the integration tests, as import-name:pip-name.
PY_MODULES  := pytest:pytest requests:requests aiosmtpd:aiosmtpd jwt:pyjwt cryptography:cryptography \
               schemathesis:schemathesis openapi_spec_validator:openapi-spec-validator jwcrypto:jwcrypto bcrypt:bcrypt \
               mmdb_writer:mmdb-writer prometheus_client:prometheus-client pika:pika selenium:selenium html5lib:html5lib \
               authlib:authlib oic:oic

.PHONY: run test build release unit-test integration-test deps test-deps bench fuzz clean

## make run: release build, migrations, dev key if none, serve on 127.0.0.1:8001.
run: deps release
	mkdir -p data
	$(RELEASE_BIN) migrate
	$(RELEASE_BIN) serve

## make test: unit + router tests (swift test), then the integration tests against the
## release binary twice: on SQLite, then on PostgreSQL (incl. the multi-instance test).
test: deps test-deps unit-test release integration-test

deps:
	@missing=""; for p in $(BUILD_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

test-deps:
	@missing=""; for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@for pair in $(PY_MODULES); do m=$${pair%%:*}; p=$${pair##*:}; \
	  $(PYTHON) -c "import $$m" 2>/dev/null || $(PYTHON) -m pip install -q $$p; done
	@# The software authenticator of the passkey tests: soft-webauthn declares fido2 < 2, which
	@# pulls cryptography < 45 under jwcrypto's >= 49; it runs as it is on fido2 2.x.
	@$(PYTHON) -c "import soft_webauthn" 2>/dev/null || { $(PYTHON) -m pip install -q "fido2>=2.2,<3" && \
	  $(PYTHON) -m pip install -q --no-deps soft-webauthn; }

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product portcullis

unit-test:
	$(SWIFT) test

integration-test: release
	PORTCULLIS_TEST_BACKEND=sqlite PORTCULLIS_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) -m pytest -q Tests/IntegrationTests
	PORTCULLIS_TEST_BACKEND=postgres PORTCULLIS_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) -m pytest -q Tests/IntegrationTests

## make bench: first the hot-path goals (bench/hotpath.sh: wrk -t2 -c32, median
## of 3, both backends, share of nginx and each goal met or missed); then figures for users/me and authorize against nginx (installs wrk), on SQLite,
## then on PostgreSQL with one and two instances (bench/postgres.sh), then admin/users over
## 100,000 users on both backends (bench/admin_users.sh), then management users/get with two
## RS256 signatures against openssl's RSA ceiling (bench/management.sh; PROFILE=1 adds perf's top symbols), login timing and
## throttling, passkey step-up, events, the admin console's pages over 100,000 users on both backends (bench/console.sh),
## and the OpenID Connect token endpoint and introspection on both backends (bench/oidc.sh). bench/breach_file.sh (a 2 GiB
## breach list) runs on its own.
bench: release test-deps
	bash bench/hotpath.sh
	bash bench/floor.sh
	bash bench/geoip.sh
	bash bench/me.sh
	bash bench/authorize.sh
	bash bench/gateway.sh
	bash bench/postgres.sh
	bash bench/admin_users.sh
	bash bench/management.sh
	bash bench/login_timing.sh
	bash bench/login_throttle.sh
	bash bench/step_up.sh
	bash bench/events.sh
	bash bench/console.sh
	bash bench/oidc.sh

## make fuzz: a long schemathesis run (FUZZ_MAX_EXAMPLES per operation, default 200).
fuzz: test-deps release
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-200} PORTCULLIS_BIN=$(abspath $(RELEASE_BIN)) \
	  $(PYTHON) -m pytest -q -s Tests/IntegrationTests/test_fuzz.py Tests/IntegrationTests/test_fuzz_management.py

clean:
	rm -rf .build data
