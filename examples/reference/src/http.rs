//! A minimal HTTP/1.1 client for the Mesos master's HTTP endpoints (the
//! operator API and `/state`), over std's TcpStream. Enough for loopback
//! and private-network masters; plain HTTP only, like the default master.

// Each example uses part of this module.
#![allow(dead_code)]

use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// A failed request: the master could not be reached, or answered with an
/// error status.
#[derive(Debug)]
pub enum HttpError {
    /// Connecting, sending or receiving failed.
    Io { url: String, error: std::io::Error },
    /// The master answered with a non-2xx status.
    Status {
        url: String,
        status: u16,
        body: String,
    },
    /// The answer was not HTTP/1.x.
    Malformed { url: String, reason: String },
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Io { url, error } => {
                write!(
                    f,
                    "cannot reach {url}: {error} (is the master running? check the address)"
                )
            }
            HttpError::Status { url, status, body } => {
                write!(f, "{url} answered {status}: {}", body.trim())
            }
            HttpError::Malformed { url, reason } => {
                write!(f, "{url} sent a malformed answer: {reason}")
            }
        }
    }
}

impl std::error::Error for HttpError {}

/// HTTP basic credentials.
#[derive(Clone)]
pub struct BasicAuth {
    pub principal: String,
    pub secret: String,
}

/// A master's HTTP address, e.g. `127.0.0.1:5050`.
#[derive(Clone)]
pub struct Master {
    pub address: String,
    pub auth: Option<BasicAuth>,
}

impl Master {
    pub fn new(address: &str, auth: Option<BasicAuth>) -> Self {
        let address = address
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Self { address, auth }
    }

    /// GET `path`; the body on 2xx.
    pub fn get(&self, path: &str) -> Result<String, HttpError> {
        self.request("GET", path, None)
    }

    /// POST a JSON body to `path`; the body on 2xx.
    pub fn post_json(&self, path: &str, body: &str) -> Result<String, HttpError> {
        self.request("POST", path, Some(body))
    }

    fn request(&self, method: &str, path: &str, body: Option<&str>) -> Result<String, HttpError> {
        let url = format!("http://{}{}", self.address, path);
        let io = |error| HttpError::Io {
            url: url.clone(),
            error,
        };
        let address = self
            .address
            .to_socket_addrs()
            .map_err(io)?
            .next()
            .ok_or_else(|| io(std::io::Error::other("the address resolves to nothing")))?;
        let mut stream =
            TcpStream::connect_timeout(&address, Duration::from_secs(5)).map_err(io)?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(io)?;
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAccept: application/json\r\n",
            self.address
        );
        if let Some(auth) = &self.auth {
            let token = base64(format!("{}:{}", auth.principal, auth.secret).as_bytes());
            request.push_str(&format!("Authorization: Basic {token}\r\n"));
        }
        if let Some(body) = body {
            request.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body.unwrap_or(""));
        stream.write_all(request.as_bytes()).map_err(io)?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).map_err(io)?;
        parse_response(&url, &response)
    }
}

fn parse_response(url: &str, response: &[u8]) -> Result<String, HttpError> {
    let malformed = |reason: &str| HttpError::Malformed {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| malformed("no header end"))?;
    let head = String::from_utf8_lossy(&response[..split]);
    let raw_body = &response[split + 4..];
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| malformed("no status code"))?;
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    let body = if chunked {
        dechunk(raw_body).ok_or_else(|| malformed("bad chunked body"))?
    } else {
        raw_body.to_vec()
    };
    let body = String::from_utf8_lossy(&body).into_owned();
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(HttpError::Status {
            url: url.to_string(),
            status,
            body,
        })
    }
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_examples() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn responses_are_parsed_including_chunked_bodies() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse_response("u", plain).unwrap(), "{}");
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response("u", chunked).unwrap(), "abcde");
        let error = b"HTTP/1.1 409 Conflict\r\n\r\nno";
        assert!(matches!(
            parse_response("u", error),
            Err(HttpError::Status { status: 409, .. })
        ));
    }
}
