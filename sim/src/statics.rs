//! Static files: the demo (`www/`) at `/` and the built package (`pkg/`) at `/pkg/`. A missing
//! directory or file is a 404; no path can leave its root.

use std::path::{Path, PathBuf};

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::endpoint::BASE_PATH;
use crate::Sim;

/// Fallback for every path no route takes.
pub(crate) async fn handle(State(sim): State<Sim>, method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/sim" || path.starts_with("/sim/") {
        return crate::control::unknown();
    }
    if path.starts_with(BASE_PATH) {
        return not_found();
    }
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into_response();
    }
    let (root, rest) = match path.strip_prefix("/pkg") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (sim.pkg_dir(), rest),
        _ => (sim.www_dir(), path),
    };
    let Some(mut file) = resolve(root, rest) else {
        return not_found();
    };
    if tokio::fs::metadata(&file).await.is_ok_and(|m| m.is_dir()) {
        file.push("index.html");
    }
    match tokio::fs::read(&file).await {
        Ok(bytes) => (
            [
                (CONTENT_TYPE, content_type(&file)),
                (CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not Found",
    )
        .into_response()
}

/// The file a URL path names under `root`, or `None` when it could leave the root: every
/// percent-decoded segment must be a plain name (no `.`, `..`, backslash, colon or NUL). A path
/// ending in `/` names the directory's `index.html`.
pub(crate) fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut file = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        let forbidden = segment == "." || segment == ".." || segment.contains(['\\', ':', '\0']);
        if forbidden {
            return None;
        }
        file.push(segment);
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        file.push("index.html");
    }
    Some(file)
}

/// `%XX` decoding; `None` for a result that isn't UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).ok()?);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The content type for a file name.
pub(crate) fn content_type(file: &Path) -> &'static str {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("ts") => "application/typescript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let root = Path::new("/srv/www");
        assert_eq!(
            resolve(root, "/"),
            Some(PathBuf::from("/srv/www/index.html"))
        );
        assert_eq!(
            resolve(root, "/a/b.js"),
            Some(PathBuf::from("/srv/www/a/b.js"))
        );
        assert_eq!(
            resolve(root, "/a/"),
            Some(PathBuf::from("/srv/www/a/index.html"))
        );
        assert_eq!(
            resolve(root, "/a%20b.js"),
            Some(PathBuf::from("/srv/www/a b.js"))
        );
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/a/%2E%2E/%2E%2E/x",
            "/a\\..\\x",
            "/c:x",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.MJS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("x.d.ts")),
            "application/typescript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.js.map")), "application/json");
    }
}
