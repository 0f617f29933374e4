//! A server on a real socket (127.0.0.1, a free port) over a fresh store, and a small client.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use wiretrace_server::{serve, ServerConfig};

pub struct Server {
    pub base: String,
    pub db: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(|_| {})
    }

    pub fn start_with(tune: impl FnOnce(&mut ServerConfig)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("served.db");
        let mut config = ServerConfig::new(db.clone());
        tune(&mut config);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                serve(listener, config, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Server {
            base: format!("http://{addr}"),
            db,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET, answering (status, JSON body).
    pub fn get(&self, path: &str) -> (u16, Value) {
        answer(ureq::get(&self.url(path)).call())
    }

    /// GET, answering (status, text body).
    pub fn get_text(&self, path: &str) -> (u16, String) {
        match ureq::get(&self.url(path)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    /// POST a body of the given content type.
    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
        answer(
            ureq::post(&self.url(path))
                .set("Content-Type", content_type)
                .send_bytes(body),
        )
    }

    /// POST the two seed pages as scraped text, each under its own id and outlet.
    pub fn post_seeds(&self) -> [Value; 2] {
        let mut out = Vec::new();
        for (file, id, source) in SEEDS {
            let (status, v) = self.post(
                &format!("/articles?id={id}&source={}", source.replace(' ', "%20")),
                "text/plain",
                seed(file).as_bytes(),
            );
            assert_eq!(status, 201, "{v}");
            out.push(v);
        }
        out.try_into().unwrap()
    }
}

pub const SEEDS: [(&str, &str, &str); 2] = [
    ("003_d225d385e17e94e7.txt", "dawn", "Dawn"),
    ("000_c7b4fa4417f7b5a8.txt", "salaam", "Salaam Times"),
];

pub fn seed(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/seeds")
            .join(name),
    )
    .unwrap()
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    let (status, response) = match r {
        Ok(r) => (r.status(), r),
        Err(ureq::Error::Status(code, r)) => (code, r),
        Err(e) => panic!("request failed: {e}"),
    };
    let text = response.into_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")),
    )
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
