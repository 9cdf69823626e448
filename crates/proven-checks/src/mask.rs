//! Masking: a found credential is never printed whole.

/// Shows a secret as its first four characters and its length: `ghp_…(40 chars)`.
pub fn mask_secret(secret: &str) -> String {
    let prefix: String = secret.chars().take(4).collect();
    format!("{prefix}…({} chars)", secret.chars().count())
}

/// Masks every token in free text that looks like a credential: a run of 20 or more base64/hex/
/// token characters mixing letters and digits. Used on text other tools wrote (SARIF messages),
/// which may quote the secret they found.
pub fn mask_tokens(text: &str) -> String {
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_token_char) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| !is_token_char(c)).unwrap_or(tail.len());
        let token = &tail[..end];
        let looks_secret = token.len() >= 20
            && token.chars().any(|c| c.is_ascii_digit())
            && token.chars().any(|c| c.is_ascii_alphabetic())
            && !token.contains("--")
            && token.chars().filter(|c| *c == '/').count() < 3;
        if looks_secret {
            out.push_str(&mask_secret(token));
        } else {
            out.push_str(token);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_tokens_keeps_words() {
        let t =
            "found ghp_0123456789abcdefghijABCDEFGHIJ012345 in config, see docs/security-policy";
        let m = mask_tokens(t);
        assert!(!m.contains("0123456789abcdefghij"), "{m}");
        assert!(m.contains("ghp_…(40 chars)"), "{m}");
        assert!(m.contains("docs/security-policy"), "{m}");
        assert_eq!(mask_tokens("plain words only"), "plain words only");
    }
}
