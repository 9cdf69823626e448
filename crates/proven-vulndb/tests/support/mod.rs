//! Test support: the shared data folder, and a small loopback HTTP file server with `Range`
//! support and a "drop the connection mid-body" switch. It serves one request per connection,
//! stops when dropped, and stops by itself after two minutes whatever happens.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// `$PROVEN_TESTDATA`, or `None` after printing why the test is skipped.
pub fn testdata() -> Option<PathBuf> {
    match std::env::var_os("PROVEN_TESTDATA") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => {
            eprintln!("skipped: PROVEN_TESTDATA is not set (point it at the shared test data)");
            None
        }
    }
}

/// What the server serves and how it misbehaves.
#[derive(Debug, Default)]
pub struct Behaviour {
    /// Files under this folder, by URL path.
    pub root: Option<PathBuf>,
    /// Files served instead of (or besides) the folder's, by URL path (`/PyPI/all.zip`).
    pub files: HashMap<String, Vec<u8>>,
    /// Cut the body of this path after so many bytes, this many times.
    pub cut: Option<(String, usize, usize)>,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub range: Option<String>,
    pub if_range: Option<String>,
    pub status: u16,
}

pub struct Server {
    pub addr: SocketAddr,
    pub behaviour: Arc<Mutex<Behaviour>>,
    pub log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("address");
        let behaviour = Arc::new(Mutex::new(behaviour));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, l, s) = (behaviour.clone(), log.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &b, &l),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            addr,
            behaviour,
            log,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().expect("log").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn etag(body: &[u8]) -> String {
    // Cheap and stable: length and a sum of the bytes.
    let sum: u64 = body.iter().map(|&b| u64::from(b)).sum();
    format!("\"{}-{sum}\"", body.len())
}

fn decode_path(p: &str) -> String {
    let mut out = Vec::new();
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&p[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn serve(stream: TcpStream, behaviour: &Mutex<Behaviour>, log: &Mutex<Vec<Request>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = decode_path(line.split_whitespace().nth(1).unwrap_or("/"));
    let mut range = None;
    let mut if_range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "range" => range = Some(v.trim().to_string()),
                "if-range" => if_range = Some(v.trim().to_string()),
                _ => {}
            }
        }
    }
    let (body, cut) = {
        let mut b = behaviour.lock().expect("behaviour");
        let body = b.files.get(&path).cloned().or_else(|| {
            let root = b.root.as_ref()?;
            let rel = path.trim_start_matches('/');
            if rel.split('/').any(|s| s == "..") {
                return None;
            }
            std::fs::read(root.join(rel)).ok()
        });
        let mut cut = None;
        if let Some((p, after, times)) = &mut b.cut {
            if *p == path && *times > 0 {
                *times -= 1;
                cut = Some(*after);
            }
        }
        (body, cut)
    };
    let mut out = stream;
    let Some(body) = body else {
        let _ = out
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        log.lock().expect("log").push(Request {
            path,
            range,
            if_range,
            status: 404,
        });
        return;
    };
    let tag = etag(&body);
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| if_range.as_deref().is_none_or(|t| t == tag));
    let (status, head, slice) = match start {
        Some(s) if s < body.len() => (
            206,
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {s}-{}/{}\r\n",
                body.len() - 1,
                body.len()
            ),
            &body[s..],
        ),
        Some(_) => (
            416,
            format!(
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\n",
                body.len()
            ),
            &body[..0],
        ),
        None => (200, "HTTP/1.1 200 OK\r\n".to_string(), &body[..]),
    };
    log.lock().expect("log").push(Request {
        path,
        range,
        if_range,
        status,
    });
    let head = format!(
        "{head}Content-Length: {}\r\nETag: {tag}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n",
        slice.len()
    );
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    let n = cut.map_or(slice.len(), |c| c.min(slice.len()));
    let _ = out.write_all(&slice[..n]);
    let _ = out.flush();
    let _ = out.shutdown(std::net::Shutdown::Both);
}

/// Copies a file tree (test-local, for building modified sources).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let dst = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), &dst).expect("copy");
        }
    }
}
