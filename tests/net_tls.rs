//! A round trip over TLS, with a certificate generated in the test; and a client that does not
//! trust the server's certificate gets `connection_failed`, with nothing sent.
#![cfg(feature = "tls")]
#![allow(clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::net::client::{Channel, ChannelConfig, Endpoint, Failure};
use iso8583_wire::net::server::{Server, ServerConfig};
use iso8583_wire::net::testhost::{Rules, TestHost};
use iso8583_wire::{Message, Mti, Spec};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").expect("builtin spec")
}

/// The `ring` provider: the feature `tls` builds rustls on `ring`, which needs only a C
/// compiler. rustls marks it deprecated for lacking post-quantum key exchange, which a loopback
/// test does not need; applications pass their own configuration with the provider they choose.
#[allow(deprecated)]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A self-signed certificate for `localhost` and the server's TLS acceptor.
fn server_tls() -> (CertificateDer<'static>, tokio_rustls::TlsAcceptor) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let der = CertificateDer::from(cert.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![der.clone()], key)
        .expect("server config");
    (der, tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

fn client_config(trusted: Option<CertificateDer<'static>>) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(cert) = trusted {
        roots.add(cert).expect("root");
    }
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

fn sale() -> Message {
    let s = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(s, 2, "4242424242424242")
        .and_then(|m| m.set(s, 3, "000000"))
        .and_then(|m| m.set(s, 4, "1000"))
        .and_then(|m| m.set(s, 11, "000777"))
        .and_then(|m| m.set(s, 41, "TLSTERM1"))
        .expect("sale");
    m
}

#[tokio::test]
async fn round_trips_over_tls() {
    let framer = Framer::new(LengthHeader::Binary2);
    let (cert, acceptor) = server_tls();
    let host = Server::bind(
        "127.0.0.1:0",
        ServerConfig::new(spec().clone(), framer).tls(acceptor),
    )
    .await
    .expect("bind")
    .start(TestHost::new(Rules::default(), spec().clone(), framer));
    let addr = host.local_addr().to_string();

    let endpoint =
        Endpoint::tls(addr.clone(), "localhost", client_config(Some(cert))).expect("name");
    let channel = Channel::start(
        endpoint,
        ChannelConfig::new(spec().clone(), framer).keep_alive(None),
    );
    assert!(channel.wait_connected(Duration::from_secs(5)).await);
    let answer = channel
        .send(&sale(), Duration::from_secs(5))
        .await
        .expect("answered");
    assert_eq!(answer.mti(), Mti::FINANCIAL_RESPONSE);
    assert_eq!(
        answer.field(spec(), 39).map(|f| f.to_text()).as_deref(),
        Some("00")
    );
    assert_eq!(
        answer.field(spec(), 11).map(|f| f.to_text()).as_deref(),
        Some("000777")
    );
    channel.close(Duration::from_millis(100)).await;

    // A client that does not trust the certificate never gets a connection.
    let untrusted = Endpoint::tls(addr, "localhost", client_config(None)).expect("name");
    let channel = Channel::start(
        untrusted,
        ChannelConfig::new(spec().clone(), framer).keep_alive(None),
    );
    let e = channel
        .send(&sale(), Duration::from_secs(2))
        .await
        .expect_err("handshake refused");
    assert_eq!(e.failure(), Some(Failure::ConnectionFailed));
    assert!(channel.stats().connect_failures >= 1);
    let stats = host.shutdown(Duration::from_millis(200)).await;
    assert!(
        stats.framing_errors >= 1,
        "the failed handshake is counted: {stats:?}"
    );
}
