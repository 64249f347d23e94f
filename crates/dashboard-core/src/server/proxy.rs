//! What a request says about its client when a TLS-terminating proxy stands in front
//! (`--trusted-proxy`). Headers that describe the client are believed only from a configured
//! proxy's address: anyone else could send them.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// Addresses compare in canonical form: on a dual-stack listener (`[::]:PORT`) an IPv4 peer
/// arrives as `::ffff:127.0.0.1`, which is the configured `127.0.0.1`.
fn is_trusted(ip: IpAddr, trusted: &[IpAddr]) -> bool {
    let ip = ip.to_canonical();
    trusted.iter().any(|t| t.to_canonical() == ip)
}

fn from_proxy(peer: Option<SocketAddr>, trusted: &[IpAddr]) -> bool {
    peer.is_some_and(|p| is_trusted(p.ip(), trusted))
}

/// `X-Forwarded-Proto: https` from a trusted proxy: the browser used https.
pub fn forwarded_https(headers: &HeaderMap, peer: Option<SocketAddr>, trusted: &[IpAddr]) -> bool {
    from_proxy(peer, trusted)
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The client's address: the socket's peer, or, when that peer is a configured proxy, the
/// nearest address in `X-Forwarded-For` that is not itself a proxy. Proxies append the address
/// they received from, so the rightmost entries are the trustworthy ones; anything to the left
/// of them was written by the client and proves nothing. From any other peer the header is
/// ignored, so a client cannot pick its own address (and its own throttle bucket). The answer
/// is canonical: an IPv4 client is its IPv4 address, however the listener saw it.
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer_ip = peer?.ip().to_canonical();
    if !from_proxy(peer, trusted) {
        return Some(peer_ip);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for entry in forwarded.into_iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip, trusted) => continue,
            Ok(ip) => return Some(ip.to_canonical()),
            // Unparseable: whatever lies left of it is not vouched for either.
            Err(_) => break,
        }
    }
    Some(peer_ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_proxy() {
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        let peer = |ip: &str| Some(SocketAddr::new(ip.parse().expect("ip"), 4000));
        let ip = |s: &str| Some(s.parse::<IpAddr>().expect("ip"));
        let trusted = [proxy, "10.0.0.2".parse().expect("ip")];

        // Anyone else's header is ignored.
        let forged = with_xff(&["198.51.100.1"]);
        assert_eq!(
            client_ip(&forged, peer("203.0.113.9"), &trusted),
            ip("203.0.113.9")
        );
        // From the proxy: the rightmost address that is not a proxy, not what the client wrote.
        let chain = with_xff(&["6.6.6.6, 198.51.100.7", "10.0.0.2"]);
        assert_eq!(
            client_ip(&chain, peer("127.0.0.1"), &trusted),
            ip("198.51.100.7")
        );
        // Garbage stops the walk; the proxy itself is the client then.
        let garbage = with_xff(&["198.51.100.7, not-an-address"]);
        assert_eq!(
            client_ip(&garbage, peer("127.0.0.1"), &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(&HeaderMap::new(), peer("127.0.0.1"), &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(client_ip(&chain, None, &trusted), None);
    }

    /// A dual-stack listener sees an IPv4 proxy as `::ffff:a.b.c.d`: still the proxy.
    #[test]
    fn a_mapped_ipv4_peer_is_the_ipv4_proxy() {
        let trusted = ["127.0.0.1".parse::<IpAddr>().expect("ip")];
        let mapped = Some(SocketAddr::new(
            "::ffff:127.0.0.1".parse().expect("ip"),
            4000,
        ));
        let xff = with_xff(&["198.51.100.7"]);
        assert_eq!(
            client_ip(&xff, mapped, &trusted),
            Some("198.51.100.7".parse().expect("ip"))
        );
        let mut https = with_xff(&[]);
        https.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(forwarded_https(&https, mapped, &trusted));
        // And a mapped entry in the trusted list matches a plain IPv4 peer.
        let trusted_mapped = ["::ffff:127.0.0.1".parse::<IpAddr>().expect("ip")];
        let plain = Some(SocketAddr::new("127.0.0.1".parse().expect("ip"), 4000));
        assert!(forwarded_https(&https, plain, &trusted_mapped));
        // A peer that is not a proxy is reported canonically too.
        let stranger = Some(SocketAddr::new(
            "::ffff:203.0.113.9".parse().expect("ip"),
            1,
        ));
        assert_eq!(
            client_ip(&xff, stranger, &trusted),
            Some("203.0.113.9".parse().expect("ip"))
        );
    }
}
