//! The protocol digest: one hash over a protocol's files, the same on every machine. Also
//! compiled into build.rs (by path), which stamps the embedded protocol's digest into
//! `stepwise --version` without loading it at run time.

use sha2::{Digest, Sha256};

/// `sha256:` over the files sorted by relative path, each as path, NUL, length and content
/// with line endings normalised to `\n`: the same on every machine and whatever order the
/// disk lists the files in.
pub fn digest<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut files: Vec<(&str, &str)> = files.into_iter().collect();
    files.sort_unstable();
    let mut h = Sha256::new();
    for (path, text) in files {
        let text = text.replace("\r\n", "\n");
        h.update(path.as_bytes());
        h.update([0]);
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    format!("sha256:{}", hex(&h.finalize()))
}

/// Bytes as lower-case hex digits, as `{:02x}` writes them.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.extend(char::from_digit(u32::from(b >> 4), 16));
        out.extend(char::from_digit(u32::from(b & 0xf), 16));
    }
    out
}
