//! A one-file HTTP server on loopback, standing in for the web server from
//! which agents on other machines fetch a framework's executor
//! (`main --executor-uri http://...`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;

/// Serves `file` at `http://127.0.0.1:<port>/<its file name>` to every GET,
/// from a thread that lives as long as the test process. Returns the URL.
pub fn serve(file: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let url = format!("http://{}/{name}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(&stream);
            // The request line, then headers up to the empty line.
            while reader
                .read_line(&mut request)
                .map(|n| n > 2)
                .unwrap_or(false)
            {}
            let answer = match std::fs::read(&file) {
                Ok(body) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    [head.into_bytes(), body].concat()
                }
                Err(_) => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&answer);
        }
    });
    url
}
