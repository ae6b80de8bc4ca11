#include "tls_server.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "hostile_server.h"

namespace hostile {

namespace {

// A self-signed certificate (its own CA) for `san`, valid for a day.
X509* make_certificate(EVP_PKEY* key, const std::string& san) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("libtinker test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  for (const auto& ext : {std::make_pair(NID_subject_alt_name, san), std::make_pair(NID_basic_constraints, std::string("critical,CA:TRUE"))}) {
    X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &v3, ext.first, ext.second.c_str());
    X509_add_ext(cert, e, -1);
    X509_EXTENSION_free(e);
  }
  X509_sign(cert, key, EVP_sha256());
  return cert;
}

}  // namespace

TlsServer::TlsServer(const std::string& subject_alt_name) {
  // OpenSSL writes with plain write(): a client that hangs up mid-handshake must not kill the
  // test process with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = make_certificate(key, subject_alt_name);
  char path[] = "/tmp/libtinker-test-ca-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || !key || !cert) throw std::runtime_error("tls server: cannot make a certificate");
  FILE* f = fdopen(fd, "w");
  PEM_write_X509(f, cert);
  fclose(f);
  ca_file_ = path;

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  ctx_ = ctx;
  X509_free(cert);
  EVP_PKEY_free(key);

  listen_fd_ = listen_on_loopback(16, "tls server", &port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TlsServer::~TlsServer() {
  stop_accepting(listen_fd_, stopping_, acceptor_);
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
  std::remove(ca_file_.c_str());
}

// One connection at a time: the tests make few, and a failed handshake ends at once.
void TlsServer::accept_loop() {
  for (int fd; (fd = accept_next(listen_fd_, stopping_)) >= 0;) {
    ++connections_;
    SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      std::string req;
      char buf[4096];
      int n;
      while (req.find("\r\n\r\n") == std::string::npos && (n = SSL_read(ssl, buf, sizeof buf)) > 0) req.append(buf, n);
      const std::string body = "{\"status\":\"ok\"}";
      const std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
      SSL_write(ssl, resp.data(), static_cast<int>(resp.size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ::close(fd);
  }
}

}  // namespace hostile
