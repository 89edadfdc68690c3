//! Redirect URI matching (RFC 9700 §4.1.3, RFC 8252 §7.3): a requested
//! redirect URI must equal a registered one character for character, with a
//! single exception — for a loopback IP literal (`http://127.0.0.1`,
//! `http://[::1]`) the port may differ, because a desktop app listens on a
//! random free port. Comparison is on the raw strings, never after URL
//! normalisation, so `/cb/../evil` or `127.000.000.001` can never sneak past.

/// Why a redirect URI is refused; machine codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    /// Not one of the client's registered redirect URIs.
    #[error("redirect.unregistered")]
    Unregistered,
    /// Fragments are never allowed in redirect URIs (RFC 6749 §3.1.2).
    #[error("redirect.fragment")]
    Fragment,
}

/// The longest redirect URI we look at; longer ones are refused unread.
const MAX_LEN: usize = 2048;

/// Returns the registered URI that `requested` matches.
pub fn matching<'a>(registered: &'a [String], requested: &str) -> Result<&'a str, RedirectError> {
    if requested.contains('#') {
        return Err(RedirectError::Fragment);
    }
    if requested.len() > MAX_LEN {
        return Err(RedirectError::Unregistered);
    }
    registered
        .iter()
        .find(|candidate| {
            candidate.as_str() == requested
                || matches!((without_loopback_port(candidate), without_loopback_port(requested)), (Some(a), Some(b)) if a == b)
        })
        .map(String::as_str)
        .ok_or(RedirectError::Unregistered)
}

/// For `http://127.0.0.1[:port]/rest` or `http://[::1][:port]/rest`, the URI
/// with the port removed; `None` for anything else, which then needs an
/// exact match.
fn without_loopback_port(uri: &str) -> Option<String> {
    let host = ["http://127.0.0.1", "http://[::1]"].into_iter().find(|h| uri.starts_with(h))?;
    let after_host = &uri[host.len()..];
    let rest = match after_host.strip_prefix(':') {
        Some(with_port) => {
            let digits = with_port.bytes().take_while(u8::is_ascii_digit).count();
            let port: u32 = with_port[..digits].parse().ok()?;
            if digits > 5 || port == 0 || port > 65_535 {
                return None;
            }
            &with_port[digits..]
        }
        None => after_host,
    };
    // The authority must end right here: `http://127.0.0.1.evil.example/`
    // or `http://127.0.0.1@evil.example/` are other hosts entirely.
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
        return None;
    }
    Some(format!("{host}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered() -> Vec<String> {
        [
            "https://dichvucong.example/callback",
            "http://127.0.0.1/callback",
            "http://[::1]/callback",
            "vn.hoso.app:/callback",
        ]
        .map(String::from)
        .to_vec()
    }

    fn accepts(uri: &str) -> bool {
        matching(&registered(), uri).is_ok()
    }

    #[test]
    fn every_registered_uri_matches_itself() {
        for uri in registered() {
            assert_eq!(matching(&registered(), &uri), Ok(uri.as_str()));
        }
    }

    #[test]
    fn a_loopback_ip_literal_matches_on_any_port() {
        for port in [1, 80, 1024, 8080, 49_152, 54_321, 65_535] {
            assert!(accepts(&format!("http://127.0.0.1:{port}/callback")), "{port}");
            assert!(accepts(&format!("http://[::1]:{port}/callback")), "{port}");
        }
    }

    #[test]
    fn a_port_out_of_range_is_not_a_port() {
        for port in ["0", "65536", "99999", "123456", "-1", "", "08080a"] {
            assert!(!accepts(&format!("http://127.0.0.1:{port}/callback")), "{port}");
        }
    }

    #[test]
    fn a_fragment_is_refused_even_on_a_registered_uri() {
        assert_eq!(matching(&registered(), "https://dichvucong.example/callback#x"), Err(RedirectError::Fragment));
        assert_eq!(matching(&registered(), "http://127.0.0.1:5000/callback#"), Err(RedirectError::Fragment));
    }

    #[test]
    fn the_port_exception_is_only_for_loopback_ip_literals() {
        for uri in [
            "https://dichvucong.example:8443/callback",
            "http://localhost:5000/callback",
            "http://localhost/callback",
            "http://127.0.0.2:5000/callback",
            "https://127.0.0.1:5000/callback",
            "vn.hoso.app:5000/callback",
        ] {
            assert!(!accepts(uri), "{uri}");
        }
    }

    /// Mutations of a registered URI that must each be refused: about two
    /// hundred variants across the four registered URIs.
    fn hostile_variants(uri: &str) -> Vec<String> {
        let mut variants = vec![
            format!("{uri}/"),
            format!("{uri}x"),
            format!("{uri}?"),
            format!("{uri}?next=https://evil.example"),
            format!("{uri}/../evil"),
            format!("{uri}%2F..%2Fevil"),
            format!("{uri}%00"),
            format!("{uri} "),
            format!(" {uri}"),
            format!("{uri}\n"),
            format!("{uri};jsessionid=1"),
            format!("{uri}.evil.example"),
            uri.to_uppercase(),
            uri.replacen("callback", "Callback", 1),
            uri.replacen("callback", "callback/", 1),
            uri.replacen("callback", "callbac", 1),
            uri.replacen("callback", "%63allback", 1),
            uri.replacen("/callback", "//callback", 1),
            uri.replacen("/callback", "/./callback", 1),
            uri.replacen("/callback", "/evil/../callback", 1),
            uri.replacen("/callback", "", 1),
            uri.replacen("http://", "https://", 1),
            uri.replacen("https://", "http://", 1),
            uri.replacen("://", "://user@", 1),
            uri.replacen("://", "://user:pass@", 1),
            uri.replacen("://", ":///", 1),
            uri.replacen("://", ":/", 1),
            uri.replacen(":/", "://", 1),
            uri.replacen("dichvucong.example", "dichvucong.example.evil.example", 1),
            uri.replacen("dichvucong.example", "evil.example", 1),
            uri.replacen("dichvucong.example", "DICHVUCONG.example", 1),
            uri.replacen("dichvucong.example", "dichvucong.example.", 1),
            uri.replacen("dichvucong.example", "evil.example\\@dichvucong.example", 1),
            uri.replacen("127.0.0.1", "127.0.0.1.evil.example", 1),
            uri.replacen("127.0.0.1", "127.000.000.001", 1),
            uri.replacen("127.0.0.1", "2130706433", 1),
            uri.replacen("127.0.0.1", "0x7f000001", 1),
            uri.replacen("127.0.0.1", "127.1", 1),
            uri.replacen("127.0.0.1", "127.0.0.1@evil.example", 1),
            uri.replacen("127.0.0.1", "localhost", 1),
            uri.replacen("127.0.0.1", "[::ffff:127.0.0.1]", 1),
            uri.replacen("[::1]", "[0:0:0:0:0:0:0:1]", 1),
            uri.replacen("[::1]", "[::1].evil.example", 1),
            uri.replacen("[::1]", "::1", 1),
            uri.replacen("vn.hoso.app", "vn.hoso.evil", 1),
            uri.replacen("vn.hoso.app", "VN.HOSO.APP", 1),
            format!("{uri}#"),
            format!("{uri}#frag"),
            format!("{uri}\t"),
            format!("{uri}\\"),
            format!("{uri}%2e%2e"),
            format!("{uri}?a=1&b=2"),
            uri.replacen("callback", "callback%20", 1),
            uri.replacen("callback", "call%62ack", 1),
            uri.replacen("/callback", "\\callback", 1),
            uri.replacen('/', "%2F", 1),
            uri.replacen("http", "HTTP", 1),
            uri.replacen("https", "HTTPS", 1),
            uri.replacen(".example", ".example:443", 1),
            uri.replacen(".example", ".example:80", 1),
        ];
        for port in ["5000", "8080"] {
            variants.push(uri.replacen("/callback", &format!(":{port}/callback/"), 1));
            variants.push(uri.replacen("/callback", &format!(":{port}/callback?x=1"), 1));
            variants.push(uri.replacen("/callback", &format!(":{port}@evil.example/callback"), 1));
        }
        variants.retain(|v| v != uri);
        variants
    }

    #[test]
    fn about_two_hundred_hostile_variants_of_registered_uris_are_all_refused() {
        let mut checked = 0;
        for uri in registered() {
            for variant in hostile_variants(&uri) {
                assert!(!accepts(&variant), "accepted {variant:?} (a variant of {uri})");
                checked += 1;
            }
        }
        assert!(checked >= 190, "only {checked} variants");
    }

    #[test]
    fn a_very_long_uri_is_refused_unread() {
        let long = format!("http://127.0.0.1:5000/callback?{}", "a".repeat(MAX_LEN));
        assert_eq!(matching(&registered(), &long), Err(RedirectError::Unregistered));
    }

    #[test]
    fn a_loopback_uri_with_a_query_matches_only_the_same_query() {
        let registered = vec!["http://127.0.0.1/cb?app=hoso".to_owned()];
        assert!(matching(&registered, "http://127.0.0.1:4000/cb?app=hoso").is_ok());
        assert!(matching(&registered, "http://127.0.0.1:4000/cb?app=evil").is_err());
        assert!(matching(&registered, "http://127.0.0.1:4000/cb").is_err());
    }
}
