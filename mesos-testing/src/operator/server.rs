//! The HTTP side of the fake master and agent: a listener on loopback,
//! a thread per connection, one request per connection (`Connection:
//! close`), basic authentication and redirects checked before the
//! handler sees a call, and event streams written as chunked RecordIO.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The most a request head or body may hold: a test's calls are small.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

/// What the handler makes of a call.
pub(crate) enum Handled {
    /// An answer: status, content type and body.
    Answer {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// An event stream, starting with these records.
    Stream(Vec<Vec<u8>>),
}

/// The handler: the request's body and whether it asked for JSON.
pub(crate) type Handler = Box<dyn Fn(&[u8], bool) -> Handled + Send + Sync>;

/// What goes down an open event stream.
enum Item {
    /// One record, framed here.
    Record(Vec<u8>),
    /// Bytes as they are, framing and all (for broken streams).
    Raw(Vec<u8>),
}

#[derive(Default)]
struct Settings {
    /// The `Authorization` header a request must carry.
    authorization: Option<String>,
    /// Where a non-leader redirects (`//host:port/api/v1`).
    redirect: Option<String>,
}

struct Shared {
    settings: Mutex<Settings>,
    handler: Handler,
    streams: Mutex<Streams>,
    streams_changed: Condvar,
    redirected: AtomicUsize,
    stopping: AtomicBool,
}

#[derive(Default)]
struct Streams {
    open: Vec<Sender<Item>>,
    /// Records pushed while no stream was open: the next one gets them.
    backlog: Vec<Vec<u8>>,
}

/// A running server; stopped, with its open streams, on drop.
pub(crate) struct Server {
    address: SocketAddr,
    shared: Arc<Shared>,
    accepting: Option<JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(what: &str, handler: Handler) -> Server {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .unwrap_or_else(|error| panic!("the fake {what} cannot listen on loopback: {error}"));
        let address = listener
            .local_addr()
            .unwrap_or_else(|error| panic!("the fake {what} has no address: {error}"));
        let shared = Arc::new(Shared {
            settings: Mutex::default(),
            handler,
            streams: Mutex::default(),
            streams_changed: Condvar::new(),
            redirected: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
        });
        let accepting = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("fake-{what}"))
                .spawn(move || accept(&listener, &shared))
                .unwrap_or_else(|error| panic!("cannot start the fake {what}: {error}"))
        };
        Server {
            address,
            shared,
            accepting: Some(accepting),
        }
    }

    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    pub(crate) fn require_credentials(&self, principal: &str, secret: &str) {
        use base64::Engine;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{principal}:{secret}"));
        self.shared.settings.lock().unwrap().authorization = Some(format!("Basic {token}"));
    }

    pub(crate) fn redirect_to(&self, location: Option<String>) {
        self.shared.settings.lock().unwrap().redirect = location;
    }

    pub(crate) fn redirected(&self) -> usize {
        self.shared.redirected.load(Ordering::SeqCst)
    }

    /// Sends `record` down every open stream, or keeps it for the next.
    pub(crate) fn push(&self, record: Vec<u8>) {
        let mut streams = self.shared.streams.lock().unwrap();
        if streams.open.is_empty() {
            streams.backlog.push(record);
            return;
        }
        streams
            .open
            .retain(|stream| stream.send(Item::Record(record.clone())).is_ok());
    }

    pub(crate) fn push_raw(&self, bytes: Vec<u8>) {
        let mut streams = self.shared.streams.lock().unwrap();
        streams
            .open
            .retain(|stream| stream.send(Item::Raw(bytes.clone())).is_ok());
    }

    /// Closes every open stream without a proper end, as a master that
    /// goes away.
    pub(crate) fn hang_up(&self) {
        self.shared.streams.lock().unwrap().open.clear();
    }

    pub(crate) fn wait_for_streams(&self, count: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut streams = self.shared.streams.lock().unwrap();
        loop {
            streams
                .open
                .retain(|stream| stream.send(Item::Raw(Vec::new())).is_ok());
            if streams.open.len() >= count {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let wait = left.min(Duration::from_millis(50));
            streams = self
                .shared
                .streams_changed
                .wait_timeout(streams, wait)
                .unwrap()
                .0;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.hang_up();
        // Wake the accepting thread, which then sees `stopping`.
        let _ = TcpStream::connect(self.address);
        if let Some(accepting) = self.accepting.take() {
            let _ = accepting.join();
        }
    }
}

fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for connection in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(connection) = connection else { continue };
        let shared = Arc::clone(shared);
        // Detached: a connection ends with its request, or with its
        // stream when the server hangs up.
        let _ = std::thread::Builder::new()
            .name("fake-operator-connection".into())
            .spawn(move || serve(connection, &shared));
    }
}

/// One request on `connection`, answered.
fn serve(connection: TcpStream, shared: &Shared) {
    let mut reader = BufReader::new(match connection.try_clone() {
        Ok(clone) => clone,
        Err(_) => return,
    });
    let mut writer = connection;
    let request = match read_request(&mut reader) {
        Ok(request) => request,
        Err((status, reason)) => {
            return answer(&mut writer, status, "text/plain", reason.as_bytes(), &[])
        }
    };
    if request.method != "POST" {
        return answer(
            &mut writer,
            405,
            "text/plain",
            b"the operator API takes POST",
            &[],
        );
    }
    if request.path != "/api/v1" {
        return answer(
            &mut writer,
            404,
            "text/plain",
            b"the fake serves /api/v1 only",
            &[],
        );
    }
    let (authorization, redirect) = {
        let settings = shared.settings.lock().unwrap();
        (settings.authorization.clone(), settings.redirect.clone())
    };
    if let Some(expected) = authorization {
        if request.header("authorization") != Some(expected.as_str()) {
            let challenge = [("WWW-Authenticate", "Basic realm=\"mesos\"")];
            return answer(&mut writer, 401, "text/plain", b"", &challenge);
        }
    }
    if let Some(location) = redirect {
        shared.redirected.fetch_add(1, Ordering::SeqCst);
        return answer(
            &mut writer,
            307,
            "text/plain",
            b"",
            &[("Location", &location)],
        );
    }
    let json = request
        .header("accept")
        .is_some_and(|accept| accept.contains("application/json"));
    match (shared.handler)(&request.body, json) {
        Handled::Answer {
            status,
            content_type,
            body,
        } => answer(&mut writer, status, content_type, &body, &[]),
        Handled::Stream(first) => stream(&mut writer, shared, first),
    }
}

struct Request {
    method: String,
    path: String,
    /// Lowercased names.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

fn read_request(reader: &mut impl BufRead) -> Result<Request, (u16, String)> {
    let bad = |reason: &str| (400, reason.to_string());
    let mut head = Vec::new();
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        let read = reader
            .take((MAX_HEAD - head.len()) as u64)
            .read_until(b'\n', &mut line)
            .map_err(|error| bad(&error.to_string()))?;
        if read == 0 || !line.ends_with(b"\n") {
            return Err(bad("the request head is cut short or too long"));
        }
        head.extend_from_slice(&line);
        let line = String::from_utf8_lossy(&line).trim_end().to_string();
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    let mut request_line = lines
        .first()
        .ok_or_else(|| bad("no request line"))?
        .split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let path = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines[1..]
        .iter()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let mut request = Request {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    if request.header("transfer-encoding").is_some() {
        return Err((411, "the fake wants a Content-Length".into()));
    }
    let length: usize = match request.header("content-length") {
        Some(length) => length
            .parse()
            .map_err(|_| bad("a Content-Length that is no number"))?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err((
            413,
            format!("a body of {length} bytes is more than the fake takes"),
        ));
    }
    request.body = vec![0; length];
    reader
        .read_exact(&mut request.body)
        .map_err(|error| bad(&format!("the body is cut short: {error}")))?;
    Ok(request)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Payload Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn answer(
    writer: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // The client may have gone (a timeout test): nothing to do about it.
    let _ = writer.write_all(head.as_bytes());
    let _ = writer.write_all(body);
    let _ = writer.flush();
}

/// Writes an event stream: `first`, the backlog, then whatever is pushed,
/// until the server hangs up or the client goes.
fn stream(writer: &mut TcpStream, shared: &Shared, first: Vec<Vec<u8>>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n\
                Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let (sender, receiver): (Sender<Item>, Receiver<Item>) = channel();
    let backlog = {
        let mut streams = shared.streams.lock().unwrap();
        streams.open.push(sender);
        std::mem::take(&mut streams.backlog)
    };
    shared.streams_changed.notify_all();
    let records = first.into_iter().chain(backlog).map(Item::Record);
    for item in records.chain(receiver) {
        let bytes = match item {
            Item::Record(record) => {
                let mut framed = format!("{}\n", record.len()).into_bytes();
                framed.extend_from_slice(&record);
                framed
            }
            Item::Raw(bytes) if bytes.is_empty() => continue,
            Item::Raw(bytes) => bytes,
        };
        let chunk = [format!("{:x}\r\n", bytes.len()).as_bytes(), &bytes, b"\r\n"].concat();
        if writer
            .write_all(&chunk)
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
    // Hung up: drop the connection without the last chunk, as a master
    // that dies does.
    let _ = writer.shutdown(std::net::Shutdown::Both);
}
