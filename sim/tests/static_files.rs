//! Static files: the demo at `/`, the package at `/pkg/`, content types, no path traversal,
//! missing directories answered 404.

mod common;

use std::path::PathBuf;

use common::TestSim;
use sim::Options;

/// A scratch directory with `www/` and `pkg/` trees, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("sim-static-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, body) in [
            ("www/index.html", "<h1>demo</h1>"),
            ("www/app.js", "export {}"),
            ("www/style.css", "body{}"),
            ("www/sub/index.html", "sub"),
            ("pkg/flex_conference_bg.wasm", "\0asm"),
            ("pkg/flex_conference.mjs", "export {}"),
            ("pkg/flex_conference.d.ts", "export {}"),
            ("pkg/package.json", "{}"),
            ("pkg/flex_conference.js.map", "{}"),
            ("secret.txt", "secret"),
        ] {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
            std::fs::write(file, body).expect("write");
        }
        Self(root)
    }

    fn sim(&self) -> TestSim {
        TestSim::with(Options {
            www: self.0.join("www"),
            pkg: self.0.join("pkg"),
            ..Options::default()
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn the_demo_and_the_package_are_served_with_their_content_types() {
    let scratch = Scratch::new("types");
    let s = scratch.sim();
    for (path, content_type, body) in [
        ("/", "text/html; charset=utf-8", "<h1>demo</h1>"),
        ("/index.html", "text/html; charset=utf-8", "<h1>demo</h1>"),
        ("/sub/", "text/html; charset=utf-8", "sub"),
        ("/sub", "text/html; charset=utf-8", "sub"),
        ("/app.js", "text/javascript; charset=utf-8", "export {}"),
        ("/style.css", "text/css; charset=utf-8", "body{}"),
        ("/pkg/flex_conference_bg.wasm", "application/wasm", "\0asm"),
        (
            "/pkg/flex_conference.mjs",
            "text/javascript; charset=utf-8",
            "export {}",
        ),
        (
            "/pkg/flex_conference.d.ts",
            "application/typescript; charset=utf-8",
            "export {}",
        ),
        ("/pkg/package.json", "application/json", "{}"),
        ("/pkg/flex_conference.js.map", "application/json", "{}"),
    ] {
        let reply = s.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{path}");
        assert_eq!(reply.text(), body, "{path}");
    }
}

#[tokio::test]
async fn paths_cannot_leave_the_static_roots() {
    let scratch = Scratch::new("traversal");
    let s = scratch.sim();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/pkg/../../secret.txt",
        "/pkg/%2E%2E/%2E%2E/secret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
    ] {
        let reply = s.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert!(!reply.text().contains("secret"), "{path}");
    }
}

#[tokio::test]
async fn missing_static_directories_answer_404() {
    let s = TestSim::with(Options {
        www: PathBuf::from("/nonexistent/www"),
        pkg: PathBuf::from("/nonexistent/pkg"),
        ..Options::default()
    });
    assert_eq!(s.get("/").await.status, 404);
    assert_eq!(s.get("/pkg/x.wasm").await.status, 404);
    assert_eq!(s.get("/sim/health").await.status, 200);
}
