/**
 * A self-signed certificate for localhost and 127.0.0.1 (EC P-256, valid until 2126), for tests
 * that need a TLS server in process. A test fixture, not a secret: it protects nothing.
 */
export const TEST_TLS = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUCVSUyXzGNATTDUHTCZdUpt4+MLgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMjAyMjA1NloYDzIxMjYxMTA4
MDIyMDU2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQ6P141fw5Jid2qnmCr/QtWz2CPUSqWkV8rlqUoybOJo3EryzBnpisw
RI64/esQCDofmlEuK4QvpW8ux8H2vhpWo28wbTAdBgNVHQ4EFgQUwEGmYwqSzZcp
mSjfX87FsSVQvUYwHwYDVR0jBBgwFoAUwEGmYwqSzZcpmSjfX87FsSVQvUYwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAONDZlYdZskj/F6xAmEyOPAy+uMyoQTexXNIZNAZzTFGAiEA
3OJuDHp9vSgr4vzwtdzGwYDs4YRUxmcTV7EEY8AKHoQ=
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNNswixNAj9UwFmVO
Wb9Ocb3zwCA2Hlboz4pIDKMGllehRANCAAQ6P141fw5Jid2qnmCr/QtWz2CPUSqW
kV8rlqUoybOJo3EryzBnpiswRI64/esQCDofmlEuK4QvpW8ux8H2vhpW
-----END PRIVATE KEY-----
`,
};
