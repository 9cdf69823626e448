//! Where data is fetched from: an HTTP(S) base URL or a local folder of the same layout. This is
//! the only module that opens network connections, and only `update` calls it.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The public OSV bucket.
pub const DEFAULT_OSV_BASE: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// The CISA KEV catalog.
pub const DEFAULT_KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";

/// Where OSV exports come from: `<base>/<Ecosystem>/all.zip`, `modified_id.csv`, `<id>.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An HTTP(S) base URL in the OSV bucket layout.
    Url(String),
    /// A local folder in the same layout.
    Dir(PathBuf),
}

impl Source {
    /// The public OSV bucket.
    pub fn osv() -> Source {
        Source::Url(DEFAULT_OSV_BASE.to_string())
    }

    /// A URL when it starts with `http://` or `https://`, else a folder.
    pub fn parse(s: &str) -> Source {
        if s.starts_with("http://") || s.starts_with("https://") {
            Source::Url(s.trim_end_matches('/').to_string())
        } else {
            Source::Dir(PathBuf::from(s))
        }
    }

    /// The URL or path as text.
    pub fn describe(&self) -> String {
        match self {
            Source::Url(u) => u.clone(),
            Source::Dir(d) => d.display().to_string(),
        }
    }
}

/// Where a feed (KEV catalog, EPSS file) comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    Url(String),
    File(PathBuf),
}

impl FeedSource {
    /// The CISA KEV catalog.
    pub fn kev() -> FeedSource {
        FeedSource::Url(DEFAULT_KEV_URL.to_string())
    }

    /// A URL when it starts with `http://` or `https://`, else a file.
    pub fn parse(s: &str) -> FeedSource {
        if s.starts_with("http://") || s.starts_with("https://") {
            FeedSource::Url(s.to_string())
        } else {
            FeedSource::File(PathBuf::from(s))
        }
    }

    /// The URL or path as text.
    pub fn describe(&self) -> String {
        match self {
            FeedSource::Url(u) => u.clone(),
            FeedSource::File(p) => p.display().to_string(),
        }
    }
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: {source}")]
    Http {
        url: String,
        #[source]
        source: Box<ureq::Error>,
    },
    #[error("{url}: HTTP status {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: not found")]
    NotFound { url: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{url}: the download was interrupted after {got} bytes{}; the part is kept in {part} and the next update resumes it",
        .expected.map(|e| format!(" of {e}")).unwrap_or_default()
    )]
    Interrupted {
        url: String,
        got: u64,
        expected: Option<u64>,
        part: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{url}: more than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: unexpected Content-Range {value:?} for a resume at byte {at}")]
    BadRange { url: String, value: String, at: u64 },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> FetchError + '_ {
    move |source| FetchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Fetches files of one source.
#[derive(Debug)]
pub struct Fetcher {
    source: Source,
    agent: Option<ureq::Agent>,
}

/// How a download went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Downloaded {
    /// Bytes already in the part file that a ranged request continued from.
    pub resumed_from: u64,
    pub size: u64,
}

/// Builds the HTTP agent: status codes handled by us, bounded waits, our user agent.
fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .user_agent(concat!("proven/", env!("CARGO_PKG_VERSION")))
        .build();
    ureq::Agent::new_with_config(config)
}

/// Percent-encodes one path segment (`Red Hat` → `Red%20Hat`).
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Fetches one URL into memory, `None` on 404.
pub fn get_url(agent: &ureq::Agent, url: &str, limit: u64) -> Result<Option<Vec<u8>>, FetchError> {
    let http = |source| FetchError::Http {
        url: url.to_string(),
        source: Box::new(source),
    };
    let resp = agent.get(url).call().map_err(http)?;
    match resp.status().as_u16() {
        200 => {}
        404 | 410 => return Ok(None),
        status => {
            return Err(FetchError::Status {
                url: url.to_string(),
                status,
            });
        }
    }
    let mut body = Vec::new();
    let (_, b) = resp.into_parts();
    let read = b
        .into_with_config()
        .limit(limit)
        .reader()
        .read_to_end(&mut body);
    match read {
        Ok(_) => Ok(Some(body)),
        Err(e)
            if e.get_ref()
                .and_then(|inner| inner.downcast_ref::<ureq::Error>())
                .is_some_and(|u| matches!(u, ureq::Error::BodyExceedsLimit(_))) =>
        {
            Err(FetchError::TooLarge {
                url: url.to_string(),
                limit,
            })
        }
        Err(e) => Err(FetchError::Interrupted {
            url: url.to_string(),
            got: body.len() as u64,
            expected: None,
            part: PathBuf::new(),
            source: e,
        }),
    }
}

impl Fetcher {
    /// A fetcher for a source; the HTTP agent is made only for URLs.
    pub fn new(source: &Source) -> Fetcher {
        Fetcher {
            agent: matches!(source, Source::Url(_)).then(agent),
            source: source.clone(),
        }
    }

    /// The agent, when the source is a URL (feeds reuse it).
    pub fn agent(&self) -> ureq::Agent {
        self.agent.clone().unwrap_or_else(agent)
    }

    /// The URL or path of a file of the source, given as segments (`["PyPI", "all.zip"]`).
    pub fn location(&self, segments: &[&str]) -> String {
        match &self.source {
            Source::Url(base) => {
                let path: Vec<String> = segments.iter().map(|s| encode_segment(s)).collect();
                format!("{base}/{}", path.join("/"))
            }
            Source::Dir(dir) => segments
                .iter()
                .fold(dir.clone(), |p, s| p.join(s))
                .display()
                .to_string(),
        }
    }

    /// Reads a small file whole; `None` when the source does not have it.
    pub fn get(&self, segments: &[&str], limit: u64) -> Result<Option<Vec<u8>>, FetchError> {
        let location = self.location(segments);
        match &self.agent {
            Some(agent) => get_url(agent, &location, limit),
            None => {
                let path = PathBuf::from(&location);
                match fs::read(&path) {
                    Ok(b) if b.len() as u64 > limit => Err(FetchError::TooLarge {
                        url: location,
                        limit,
                    }),
                    Ok(b) => Ok(Some(b)),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io_at(&path)(e)),
                }
            }
        }
    }

    /// Fetches a large file into `part`, continuing a part left by an interrupted run (HTTP
    /// `Range`, guarded by `If-Range` with the validator saved beside the part).
    pub fn download(
        &self,
        segments: &[&str],
        part: &Path,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Downloaded, FetchError> {
        let location = self.location(segments);
        let Some(agent) = &self.agent else {
            return copy_file(Path::new(&location), part, progress);
        };
        let validator_path = part.with_extension("part.validator");
        let saved = fs::read_to_string(&validator_path).ok();
        let (saved_url, validator) = saved
            .as_deref()
            .and_then(|s| s.split_once('\n'))
            .map(|(u, v)| (u.to_string(), v.trim().to_string()))
            .unwrap_or_default();
        let mut have = fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        if have > 0 && (saved_url != location || validator.is_empty()) {
            // A part from another URL, or one we cannot prove unchanged: start over.
            have = 0;
        }
        let http = |source| FetchError::Http {
            url: location.clone(),
            source: Box::new(source),
        };
        let mut req = agent.get(&location);
        if have > 0 {
            req = req
                .header("Range", format!("bytes={have}-"))
                .header("If-Range", validator.as_str());
        }
        let resp = req.call().map_err(http)?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (resumed_from, total) = match status {
            206 => {
                let value = header("content-range").unwrap_or_default();
                let (start, total) =
                    parse_content_range(&value).ok_or_else(|| FetchError::BadRange {
                        url: location.clone(),
                        value: value.clone(),
                        at: have,
                    })?;
                if start != have {
                    return Err(FetchError::BadRange {
                        url: location.clone(),
                        value,
                        at: have,
                    });
                }
                (have, total)
            }
            200 => {
                let len = header("content-length").and_then(|l| l.parse::<u64>().ok());
                (0, len)
            }
            416 => {
                // Our part is not a prefix of what the server has now: drop it and start over.
                let _ = fs::remove_file(part);
                let _ = fs::remove_file(&validator_path);
                return self.download(segments, part, progress);
            }
            404 | 410 => return Err(FetchError::NotFound { url: location }),
            status => {
                return Err(FetchError::Status {
                    url: location,
                    status,
                });
            }
        };
        if resumed_from == 0 {
            let validator = header("etag").or_else(|| header("last-modified"));
            match validator {
                Some(v) => fs::write(&validator_path, format!("{location}\n{v}\n"))
                    .map_err(io_at(&validator_path))?,
                None => {
                    let _ = fs::remove_file(&validator_path);
                }
            }
        }
        if let Some(dir) = part.parent() {
            fs::create_dir_all(dir).map_err(io_at(dir))?;
        }
        let mut file = File::options()
            .create(true)
            .write(true)
            .truncate(resumed_from == 0)
            .open(part)
            .map_err(io_at(part))?;
        file.seek(SeekFrom::Start(resumed_from))
            .map_err(io_at(part))?;
        let (_, body) = resp.into_parts();
        let mut reader = body.into_reader();
        let mut done = resumed_from;
        let mut buf = vec![0u8; 256 * 1024];
        let interrupted = |done: u64, source: io::Error| FetchError::Interrupted {
            url: location.clone(),
            got: done,
            expected: total,
            part: part.to_path_buf(),
            source,
        };
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = file.sync_all();
                    return Err(interrupted(done, e));
                }
            };
            file.write_all(&buf[..n]).map_err(io_at(part))?;
            done += n as u64;
            progress(done, total);
        }
        file.sync_all().map_err(io_at(part))?;
        if let Some(total) = total {
            if done != total {
                return Err(interrupted(
                    done,
                    io::Error::new(io::ErrorKind::UnexpectedEof, "the body ended early"),
                ));
            }
        }
        Ok(Downloaded {
            resumed_from,
            size: done,
        })
    }
}

/// `bytes START-END/TOTAL` → (START, TOTAL when known).
fn parse_content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, _end) = range.split_once('-')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((start.trim().parse().ok()?, total))
}

/// A local "download": copy the file into the part, with progress.
fn copy_file(
    from: &Path,
    part: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Downloaded, FetchError> {
    let mut src = File::open(from).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            FetchError::NotFound {
                url: from.display().to_string(),
            }
        } else {
            io_at(from)(e)
        }
    })?;
    let total = src.metadata().map(|m| m.len()).ok();
    if let Some(dir) = part.parent() {
        fs::create_dir_all(dir).map_err(io_at(dir))?;
    }
    let mut dst = File::create(part).map_err(io_at(part))?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut done = 0u64;
    loop {
        let n = src.read(&mut buf).map_err(io_at(from))?;
        if n == 0 {
            break;
        }
        dst.write_all(&buf[..n]).map_err(io_at(part))?;
        done += n as u64;
        progress(done, total);
    }
    dst.sync_all().map_err(io_at(part))?;
    Ok(Downloaded {
        resumed_from: 0,
        size: done,
    })
}

/// Reads a feed whole.
pub fn read_feed(
    feed: &FeedSource,
    agent: &ureq::Agent,
    limit: u64,
) -> Result<Vec<u8>, FetchError> {
    match feed {
        FeedSource::Url(url) => {
            get_url(agent, url, limit)?.ok_or_else(|| FetchError::NotFound { url: url.clone() })
        }
        FeedSource::File(path) => fs::read(path).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                FetchError::NotFound {
                    url: path.display().to_string(),
                }
            } else {
                io_at(path)(e)
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range("bytes 100-199/200"),
            Some((100, Some(200)))
        );
        assert_eq!(parse_content_range("bytes 5-9/*"), Some((5, None)));
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }

    #[test]
    fn urls_encode_segments() {
        let f = Fetcher::new(&Source::parse("http://127.0.0.1:1/base/"));
        assert_eq!(
            f.location(&["Red Hat", "all.zip"]),
            "http://127.0.0.1:1/base/Red%20Hat/all.zip"
        );
    }
}
