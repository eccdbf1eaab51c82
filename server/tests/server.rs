//! The service on an ephemeral loopback port: every endpoint against the command's output,
//! every error status, the body limit, the timeout, panic recovery, graceful shutdown, metrics,
//! and the committed OpenAPI document.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use equity_assess_server::{AppState, Limits, app, load_instruments, openapi, serve};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---- A server in the background --------------------------------------------------------------

struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(state: AppState) -> Server {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                serve(listener, app(state), async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        Server { addr: addr_rx.recv().unwrap(), stop: Some(stop), thread: Some(thread) }
    }

    fn default() -> Server {
        Server::start(AppState::new(load_instruments(None).unwrap(), Limits::default()).with_test_routes())
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

// ---- A minimal HTTP/1.1 client (the point is to control every byte sent) --------------------

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    fn codes(&self) -> Vec<String> {
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{}", self.text());
        let problem = self.json();
        assert_eq!(problem["status"], self.status);
        problem["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_owned()).collect()
    }
}

fn send(addr: SocketAddr, method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if let Some(t) = content_type {
        head.push_str(&format!("Content-Type: {t}\r\n"));
    }
    head.push_str("\r\n");
    // The server may answer (413) and close before reading all of a large body.
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Answer {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        let mut decoded = Vec::new();
        let mut rest = &body[..];
        loop {
            let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size + 2..];
        }
        body = decoded;
    }
    Answer { status, headers, body }
}

fn get(addr: SocketAddr, path: &str) -> Answer {
    send(addr, "GET", path, None, b"")
}

fn post_json(addr: SocketAddr, path: &str, body: &[u8]) -> Answer {
    send(addr, "POST", path, Some("application/json"), body)
}

// ---- The command, for comparison -------------------------------------------------------------

fn cli() -> PathBuf {
    let dir = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().to_path_buf();
    let binary = dir.join("equity-assess");
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "health-equity-assessment-cli"])
            .current_dir(root())
            .status()
            .unwrap();
        assert!(status.success());
    }
    binary
}

fn run_cli(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new(cli())
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output.stdout
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

const BASE: &str = "examples/heoa-baseline.json";
const FOLLOW: &str = "examples/heoa-follow-up.json";

// ---- Tests -----------------------------------------------------------------------------------

#[test]
fn every_endpoint_answers_what_the_command_prints() {
    let server = Server::default();
    let a = server.addr;
    for example in ["heoa-baseline", "heoa-follow-up", "ihi-five-component", "cms-hche", "tjc-ld-04-03-08"] {
        let path = format!("examples/{example}.json");
        let answer = post_json(a, "/v1/score", &read(&path));
        assert_eq!(answer.status, 200, "{}", answer.text());
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert!(
            answer.body == run_cli(&["score", &path, "--format", "json"], b""),
            "{example}: score differs from the command"
        );
        let summary = post_json(a, "/v1/score?report=summary", &read(&path));
        assert!(summary.body == run_cli(&["score", &path, "--report", "summary"], b""), "{example}: summary");
        let validated = post_json(a, "/v1/validate", &read(&path));
        assert!(validated.body == run_cli(&["validate", &path, "--format", "json"], b""), "{example}: validate");
    }
    // Batches: one line out per non-blank line in, in order, as `score --ndjson`.
    let one_line = String::from_utf8(read(BASE)).unwrap().replace('\n', " ");
    let batch = format!("{one_line}\n{{broken\n\n\u{feff}{one_line}\r\n[1]\n\u{2003}\n").into_bytes();
    let mut batch = batch;
    batch.extend_from_slice(b"\xff\xfe\n");
    let answer = send(a, "POST", "/v1/score", Some("application/x-ndjson"), &batch);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(answer.text(), String::from_utf8(run_cli(&["score", "--ndjson", "-"], &batch)).unwrap());
    let answer = send(a, "POST", "/v1/score?report=summary", Some("application/x-ndjson"), &batch);
    assert!(answer.body == run_cli(&["score", "--ndjson", "-", "--report", "summary"], &batch));
    // Diff, with and without a program.
    let request = |program: &str| {
        format!(
            "{{\"baseline\": {}, \"follow_up\": {}{program}}}",
            String::from_utf8(read(BASE)).unwrap(),
            String::from_utf8(read(FOLLOW)).unwrap()
        )
    };
    let answer = post_json(a, "/v1/diff", request("").as_bytes());
    assert!(answer.body == run_cli(&["diff", BASE, FOLLOW, "--format", "json"], b""), "{}", answer.text());
    let answer = post_json(
        a,
        "/v1/diff",
        request(r#", "program": {"completed_on": "2023-05-11", "name": "Affinity group"}, "window": "P6W""#).as_bytes(),
    );
    let expected = run_cli(
        &[
            "diff",
            BASE,
            FOLLOW,
            "--format",
            "json",
            "--program-completed",
            "2023-05-11",
            "--program-name",
            "Affinity group",
            "--window",
            "P6W",
        ],
        b"",
    );
    assert!(answer.body == expected, "{}", answer.text());
    // Cohorts: the command names lines of standard input `<stdin>:N`, the service `<body>:N`.
    let cohort = run_cli(&["synthetic-cohort", "--organizations", "60", "--seed", "3"], b"");
    let mut cohort_input = cohort.clone();
    cohort_input.extend_from_slice(b"{broken\n");
    let query = "program_completed=2023-05-11&window=P1M&zero_method=pratt&alternative=greater&mcnemar=chi-square";
    let answer = send(a, "POST", &format!("/v1/cohort?{query}"), Some("application/x-ndjson"), &cohort_input);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let expected = run_cli(
        &[
            "cohort",
            "-",
            "--format",
            "json",
            "--program-completed",
            "2023-05-11",
            "--window",
            "P1M",
            "--zero-method",
            "pratt",
            "--alternative",
            "greater",
            "--mcnemar",
            "chi-square",
        ],
        &cohort_input,
    );
    assert_eq!(answer.text(), String::from_utf8(expected).unwrap().replace("<stdin>:", "<body>:"));
    // The same documents as a JSON array.
    let array = format!("[{}]", String::from_utf8(cohort.clone()).unwrap().trim_end().replace('\n', ","));
    let answer = post_json(a, &format!("/v1/cohort?{query}"), array.as_bytes());
    let lines_answer = send(a, "POST", &format!("/v1/cohort?{query}"), Some("application/x-ndjson"), &cohort);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.text(), lines_answer.text(), "array positions are line numbers");
    // Instruments, schemas and exports.
    assert!(get(a, "/v1/instruments").body == run_cli(&["instruments", "--format", "json"], b""));
    let instrument = get(a, "/v1/instruments/heoa/1.0.0");
    assert_eq!(instrument.status, 200);
    assert_eq!(instrument.json()["id"], "heoa");
    for kind in ["response", "score-report", "score-summary", "cohort-report", "batch-line", "progress-report"] {
        let answer = get(a, &format!("/v1/schemas/{kind}"));
        assert!(answer.body == read(&format!("schemas/{kind}.schema.json")), "{kind}");
    }
    let answer = get(a, "/v1/schemas/response?instrument=heoa@1.0.0");
    assert!(answer.body == run_cli(&["schema", "response", "--instrument", "heoa@1.0.0"], b""));
    let answer = get(a, "/v1/instruments/heoa/1.0.0/fhir-questionnaire");
    assert!(answer.body == run_cli(&["export", "fhir-questionnaire", "--instrument", "heoa@1.0.0"], b""));
    let answer = get(a, "/v1/instruments/heoa/1.0.0/redcap-dictionary");
    assert_eq!(answer.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(answer.body == run_cli(&["export", "redcap-dictionary", "--instrument", "heoa@1.0.0"], b""));
    assert_eq!(get(a, "/healthz").json()["status"], "ok");
    assert!(get(a, "/healthz").header("x-request-id").is_some_and(|id| id.starts_with("req-")));
}

#[test]
fn every_error_is_a_problem_document_with_the_right_status() {
    let server = Server::default();
    let a = server.addr;
    let invalid = post_json(a, "/v1/validate", &read("tests/data/invalid-three-problems.json"));
    assert_eq!(invalid.status, 422);
    assert_eq!(invalid.codes(), ["invalid_option", "duplicate_key", "unknown_item"]);
    assert_eq!(invalid.json()["type"], "about:blank");
    assert_eq!(post_json(a, "/v1/validate", b"{\"instrument\": ").status, 400);
    assert_eq!(post_json(a, "/v1/score", b"{\"instrument\": ").codes(), ["syntax"]);
    assert_eq!(post_json(a, "/v1/score", b"\xff\xfe").codes(), ["not_utf8"]);
    assert_eq!(post_json(a, "/v1/score", b"[1]").status, 422);
    let wrong_type = send(a, "POST", "/v1/score", Some("text/plain"), &read(BASE));
    assert_eq!((wrong_type.status, wrong_type.codes()), (415, vec!["unsupported_media_type".to_owned()]));
    assert_eq!(send(a, "POST", "/v1/validate", None, &read(BASE)).status, 415);
    assert_eq!(send(a, "POST", "/v1/cohort", Some("text/csv"), b"").status, 415);
    assert_eq!(get(a, "/v1/instruments/heoa/9.9.9").codes(), ["unknown_instrument"]);
    assert_eq!(get(a, "/v1/instruments/heoa/not-a-version").status, 404);
    assert_eq!(get(a, "/v1/instruments/nothing/1.0.0/fhir-questionnaire").status, 404);
    assert_eq!(get(a, "/v1/schemas/nothing").codes(), ["unknown_schema"]);
    assert_eq!(get(a, "/v1/schemas/response?instrument=nothing@1").status, 404);
    assert_eq!(get(a, "/v1/schemas/score-report?instrument=heoa").status, 400);
    assert_eq!(get(a, "/no/such/path").codes(), ["not_found"]);
    assert_eq!(post_json(a, "/v1/score?report=tiny", &read(BASE)).codes(), ["invalid_query"]);
    assert_eq!(post_json(a, "/v1/score?colour=blue", &read(BASE)).status, 400);
    // Diff refusals and bad requests.
    let diff = |body: String| post_json(a, "/v1/diff", body.as_bytes());
    let (base, follow) = (String::from_utf8(read(BASE)).unwrap(), String::from_utf8(read(FOLLOW)).unwrap());
    let swapped = diff(format!("{{\"baseline\": {follow}, \"follow_up\": {base}}}"));
    assert_eq!(swapped.status, 422, "{}", swapped.text());
    let late = diff(format!(
        "{{\"baseline\": {base}, \"follow_up\": {follow}, \"program\": {{\"completed_on\": \"2023-05-11\"}}, \"window\": \"P0D\", \"strict_window\": true}}"
    ));
    assert_eq!(late.status, 422);
    let bad_documents = diff(r#"{"baseline": {}, "follow_up": [1]}"#.to_owned());
    assert_eq!(bad_documents.status, 422);
    let pointers: Vec<String> = bad_documents.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pointer"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        pointers.iter().any(|p| p.starts_with("/baseline")) && pointers.iter().any(|p| p.starts_with("/follow_up"))
    );
    assert_eq!(diff("{".to_owned()).status, 400);
    assert_eq!(diff(r#"{"baseline": {}}"#.to_owned()).status, 422);
    let bad_date = diff(format!(
        "{{\"baseline\": {base}, \"follow_up\": {follow}, \"program\": {{\"completed_on\": \"2023-02-30\"}}}}"
    ));
    assert_eq!(bad_date.status, 422);
    // Cohort options and strict mode.
    let cohort =
        |query: &str, body: &[u8]| send(a, "POST", &format!("/v1/cohort{query}"), Some("application/x-ndjson"), body);
    assert_eq!(cohort("?zero_method=median", b"").codes(), ["unknown_option"]);
    assert_eq!(cohort("?confidence_level=2", b"").status, 400);
    assert_eq!(cohort("?program_completed=yesterday", b"").status, 400);
    assert_eq!(cohort("?strict=true", b"{broken\n").status, 422);
    assert_eq!(cohort("", b"{broken\n").status, 200, "bad lines are listed, not refused");
    assert_eq!(post_json(a, "/v1/cohort", b"{\"not\": \"an array\"}").status, 422);
}

#[test]
fn bodies_over_the_limit_are_refused_with_413() {
    let limits = Limits { body_bytes: 1000, ndjson_bytes: 2000, ..Limits::default() };
    let server = Server::start(AppState::new(load_instruments(None).unwrap(), limits));
    let big = read(BASE);
    assert!(big.len() > 1000);
    let answer = post_json(server.addr, "/v1/score", &big);
    assert_eq!((answer.status, answer.codes()), (413, vec!["too_large".to_owned()]));
    let answer = send(server.addr, "POST", "/v1/score", Some("application/x-ndjson"), &[b'x'; 5000]);
    assert_eq!(answer.status, 413);
    let answer = send(server.addr, "POST", "/v1/cohort", Some("application/x-ndjson"), &vec![b'\n'; 10 << 20]);
    assert_eq!(answer.status, 413);
    assert_eq!(get(server.addr, "/healthz").status, 200);
}

#[test]
fn a_slow_request_times_out_and_a_panic_is_a_500_and_the_server_goes_on() {
    let limits = Limits { timeout: Duration::from_millis(300), ..Limits::default() };
    let server = Server::start(AppState::new(load_instruments(None).unwrap(), limits).with_test_routes());
    let start = Instant::now();
    let answer = get(server.addr, "/_test/sleep?ms=5000");
    assert_eq!((answer.status, answer.codes()), (503, vec!["timeout".to_owned()]));
    assert!(start.elapsed() < Duration::from_secs(3));
    let answer = get(server.addr, "/_test/panic");
    assert_eq!((answer.status, answer.codes()), (500, vec!["internal".to_owned()]));
    assert!(!answer.text().contains("a test of panic recovery"), "the panic message is logged, not sent");
    assert_eq!(get(server.addr, "/healthz").status, 200);
    let metrics = get(server.addr, "/metrics");
    assert_eq!(metrics.status, 200);
    let text = metrics.text();
    assert!(text.contains("http_requests_total{method=\"GET\",route=\"/_test/panic\",status=\"500\"} 1"), "{text}");
    assert!(text.contains("problems_total{code=\"timeout\"} 1"), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
}

#[test]
fn shutdown_lets_in_flight_requests_finish() {
    let mut server = Server::default();
    let addr = server.addr;
    let slow = std::thread::spawn(move || get(addr, "/_test/sleep?ms=800"));
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    server.shutdown();
    let answer = slow.join().unwrap();
    assert_eq!(answer.status, 200, "the in-flight request finished");
    assert!(start.elapsed() >= Duration::from_millis(400), "shutdown waited for it");
    assert!(TcpStream::connect(addr).is_err(), "no new connections after shutdown");
}

#[test]
fn problems_are_counted_by_code_in_the_metrics() {
    let server = Server::default();
    post_json(server.addr, "/v1/validate", &read("tests/data/invalid-three-problems.json"));
    let text = get(server.addr, "/metrics").text().to_owned();
    for code in ["invalid_option", "duplicate_key", "unknown_item"] {
        assert!(text.contains(&format!("problems_total{{code=\"{code}\"}} 1")), "{code}: {text}");
    }
    assert!(text.contains("route=\"/v1/validate\",status=\"422\""), "{text}");
}

#[test]
fn custom_instruments_are_checked_at_start() {
    let dir = std::env::temp_dir().join(format!("equity-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut heoa: Value = serde_json::from_slice(&read("assessments/heoa/1.0.0.json")).unwrap();
    heoa["version"] = "1.1.0".into();
    std::fs::write(dir.join("heoa-1.1.0.json"), serde_json::to_vec(&heoa).unwrap()).unwrap();
    let registry = load_instruments(Some(&dir)).unwrap();
    let server = Server::start(AppState::new(registry, Limits::default()));
    assert_eq!(get(server.addr, "/v1/instruments/heoa/1.1.0").json()["version"], "1.1.0");
    let mut doc: Value = serde_json::from_slice(&read(BASE)).unwrap();
    doc["instrument"]["version"] = "1.1.0".into();
    let answer = post_json(server.addr, "/v1/score", &serde_json::to_vec(&doc).unwrap());
    assert_eq!(answer.json()["instrument"]["version"], "1.1.0");
    // A bad file: every problem named, and the binary exits 1 without serving.
    std::fs::write(dir.join("broken.json"), br#"{"format_version": 1, "id": "x"}"#).unwrap();
    let problems = load_instruments(Some(&dir)).unwrap_err();
    assert!(problems.iter().all(|p| p.contains("broken.json")), "{problems:?}");
    let output = Command::new(env!("CARGO_BIN_EXE_equity-assess-server"))
        .args(["--addr", "127.0.0.1:0", "--instrument-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("broken.json"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_committed_openapi_document_is_the_served_one() {
    let server = Server::default();
    let served = get(server.addr, "/openapi.json");
    assert_eq!(served.status, 200);
    let path = root().join("schemas/openapi.json");
    let committed = std::fs::read(&path).unwrap_or_default();
    if served.body != committed {
        if std::env::var_os("CI").is_none() {
            std::fs::write(&path, &served.body).unwrap();
        }
        panic!("schemas/openapi.json drifted from the code; outside CI it was rewritten: review and commit it");
    }
    let document = openapi();
    assert_eq!(document["openapi"], "3.1.0");
    // Every reference points at a component that exists.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let text = serde_json::to_string(&document).unwrap();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(schemas.contains_key(name), "dangling reference {name}");
    }
}

#[test]
fn the_binary_serves_and_stops_on_sigterm() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_equity-assess-server"))
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let answer = post_json(addr, "/v1/score", &read(BASE));
    assert!(answer.body == run_cli(&["score", BASE, "--format", "json"], b""));
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean exit on SIGTERM: {status:?}");
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(log.contains("req-1"), "log lines carry the request id: {log}");
}

/// `application/x-www-form-urlencoded` of these pairs.
fn form_body(fields: &[(String, String)]) -> Vec<u8> {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                b' ' => "+".to_owned(),
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&").into_bytes()
}

#[test]
fn the_form_is_filled_scored_and_downloaded_without_storing_anything() {
    let server = Server::default();
    let a = server.addr;
    let index = get(a, "/");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("href=\"/forms/heoa/1.0.0\""), "{}", index.text());
    assert!(index.header("content-security-policy").is_some_and(|c| c.contains("default-src 'none'")));
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(index.header("referrer-policy"), Some("no-referrer"));
    let form = get(a, "/forms/heoa/1.0.0");
    assert_eq!(form.status, 200);
    assert!(form.text().contains("name=\"answer:data-collection.sogi\""));
    assert_eq!(get(a, "/forms/heoa/9.9.9").status, 404);
    assert_eq!(get(a, "/forms/style.css").header("content-type"), Some("text/css; charset=utf-8"));

    let baseline: serde_json::Value = serde_json::from_slice(&read(BASE)).unwrap();
    let mut fields = vec![
        ("organization_id".to_owned(), "org-001".to_owned()),
        ("organization_name".to_owned(), "Example Community Hospital".to_owned()),
        ("assessed_on".to_owned(), "2022-11-17".to_owned()),
    ];
    for (item, option) in baseline["answers"].as_object().unwrap() {
        fields.push((format!("answer:{item}"), option.as_str().unwrap().to_owned()));
    }
    for (item, note) in baseline["notes"].as_object().unwrap() {
        fields.push((format!("note:{item}"), note.as_str().unwrap().to_owned()));
    }
    for category in baseline["focus_categories"].as_array().unwrap() {
        fields.push(("focus".to_owned(), category.as_str().unwrap().to_owned()));
    }
    // The live figures: the form's own fields, before the date is filled in, scored as the report.
    let partial: Vec<(String, String)> = fields.iter().filter(|(k, _)| k != "assessed_on").cloned().collect();
    let live =
        send(a, "POST", "/forms/heoa/1.0.0/live", Some("application/x-www-form-urlencoded"), &form_body(&partial));
    assert_eq!(live.status, 200, "{}", live.text());
    assert_eq!(live.header("cache-control"), Some("no-store"));
    let live: serde_json::Value = serde_json::from_str(live.text()).unwrap();
    let script = get(a, "/forms/live.js");
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(form.header("content-security-policy").is_some_and(|c| c.contains("script-src 'self'")));
    let hostile = send(a, "POST", "/forms/heoa/1.0.0/live", Some("application/x-www-form-urlencoded"), b"answer:x=<b>");
    assert_eq!(hostile.status, 422, "{}", hostile.text());
    assert_eq!(send(a, "POST", "/forms/heoa/1.0.0/live", Some("application/json"), b"{}").status, 415);

    let report = send(a, "POST", "/forms/heoa/1.0.0", Some("application/x-www-form-urlencoded"), &form_body(&fields));
    assert_eq!(report.status, 200, "{}", report.text());
    for category in live["categories"].as_array().unwrap() {
        let row = format!(
            "<td class=\"num\">{}</td><td>{}</td>",
            category["percent"].as_str().unwrap(),
            category["level"].as_str().unwrap()
        );
        assert!(report.text().contains(&row), "{row}");
    }
    let page = report.text();
    // The report is the command's HTML report, plus the downloads.
    let cli_page = String::from_utf8(run_cli(&["score", BASE, "--format", "html"], b"")).unwrap();
    let overall =
        |html: &str| html.split("<strong>Overall:</strong>").nth(1).unwrap().split("</div>").next().unwrap().to_owned();
    assert_eq!(overall(page), overall(&cli_page));
    assert!(page.contains("download=\"response.json\""));
    // The downloaded response scores as the example does.
    let link = page.split("download=\"response.json\" href=\"data:application/json;base64,").nth(1).unwrap();
    let bytes = data_encoding::BASE64.decode(link.split('"').next().unwrap().as_bytes()).unwrap();
    let downloaded = run_cli(&["score", "-", "--format", "json"], &bytes);
    assert_eq!(downloaded, run_cli(&["score", BASE, "--format", "json"], b""));

    // A missing date: the form again, the error next to the field, every answer kept.
    fields.retain(|(k, _)| k != "assessed_on");
    let again = send(a, "POST", "/forms/heoa/1.0.0", Some("application/x-www-form-urlencoded"), &form_body(&fields));
    assert_eq!(again.status, 422);
    let page = again.text();
    assert!(page.contains("id=\"error-assessed_on\""), "{page}");
    assert!(page.contains("aria-describedby=\"error-assessed_on\""));
    assert_eq!(page.matches(" checked>").count(), 32 + 2, "32 answers and 2 focus categories kept");
    // Form posts obey the body limit and need their media type.
    assert_eq!(send(a, "POST", "/forms/heoa/1.0.0", Some("application/json"), b"{}").status, 415);

    // An uploaded baseline prefills the follow-up: same organization, focus carried, answers
    // blank, or carried when asked.
    let upload = |carry: bool, file: &[u8]| {
        let mut body = Vec::new();
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"baseline\"; filename=\"b.json\"\r\nContent-Type: application/json\r\n\r\n");
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
        if carry {
            body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"carry_answers\"\r\n\r\nyes\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        send(a, "POST", "/forms/heoa/1.0.0/prefill", Some("multipart/form-data; boundary=XyZ"), &body)
    };
    let blank = upload(false, &read(BASE));
    assert_eq!(blank.status, 200, "{}", blank.text());
    let page = blank.text();
    assert!(page.contains("value=\"org-001\""), "organization carried");
    assert!(page.contains("id=\"assessed_on\" name=\"assessed_on\" type=\"date\" value=\"\""), "the date left to give");
    assert_eq!(page.matches(" checked>").count(), 2, "the two focus categories, no answers");
    let carried = upload(true, &read(BASE));
    assert_eq!(carried.text().matches(" checked>").count(), 32 + 2);
    let wrong = upload(false, b"{\"not\": \"a response\"}");
    assert_eq!(wrong.status, 422);
    assert!(wrong.text().contains("id=\"error-baseline\""), "{}", wrong.text());
    let other = upload(false, &read("examples/ihi-five-component.json"));
    assert_eq!(other.status, 422);
    assert!(other.text().contains("the baseline answers ihi-five-component@1.0.0"));
    // The service's body limit applies to uploads (not a framework's smaller default), and a
    // failed upload is a page a person can read, with the pages' headers.
    let mut padded = vec![b' '; 3 << 20];
    padded.extend_from_slice(&read(BASE));
    assert_eq!(upload(false, &padded).status, 200);
    let huge = upload(false, &vec![b' '; 17 << 20]);
    assert_eq!(huge.status, 413);
    // A part whose headers never end is bounded by the same limit, not held without end.
    let mut endless = b"--XyZ\r\nContent-Disposition: form-data; name=\"baseline\"; x=\"".to_vec();
    endless.resize(17 << 20, b'a');
    let endless = send(a, "POST", "/forms/heoa/1.0.0/prefill", Some("multipart/form-data; boundary=XyZ"), &endless);
    assert_eq!(endless.status, 413, "{}", endless.text());
    assert_eq!(huge.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(huge.header("content-security-policy").is_some_and(|c| c.contains("default-src 'none'")));

    // Text that is not UTF-8 is refused, never replaced; a flood of fields is refused before it
    // is held, and a flood of problems is counted, not listed.
    let latin1 = send(
        a,
        "POST",
        "/forms/heoa/1.0.0",
        Some("application/x-www-form-urlencoded"),
        b"organization_id=%FF%FE&assessed_on=2022-11-17",
    );
    assert_eq!(latin1.status, 400, "{}", latin1.text());
    assert!(latin1.text().contains("not UTF-8"));
    let flood = "x=&".repeat(1_000_000);
    let flooded = send(a, "POST", "/forms/heoa/1.0.0", Some("application/x-www-form-urlencoded"), flood.as_bytes());
    assert_eq!(flooded.status, 422);
    assert!(flooded.text().len() < 10_000, "{} bytes", flooded.text().len());
    assert_eq!(
        send(a, "POST", "/forms/heoa/1.0.0/live", Some("application/x-www-form-urlencoded"), flood.as_bytes()).status,
        422
    );
    let unknown: Vec<(String, String)> = (0..120).map(|n| (format!("f{n}"), String::new())).collect();
    let listed = send(a, "POST", "/forms/heoa/1.0.0", Some("application/x-www-form-urlencoded"), &form_body(&unknown));
    assert_eq!(listed.status, 422);
    assert!(listed.text().contains("and 22 more problems not listed"), "{}", listed.text());

    // Every answer has the safety headers, errors and other methods included.
    for answer in [get(a, "/nope"), get(a, "/forms/heoa/%FF"), send(a, "PUT", "/forms/heoa/1.0.0", None, b"")] {
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("referrer-policy"), Some("no-referrer"));
        assert!(answer.header("content-security-policy").is_some());
    }
    assert_eq!(get(a, "/forms/heoa/%FF").status, 404);
    let metrics = send(a, "POST", "/metrics", None, b"");
    assert_eq!(metrics.status, 405);
    assert!(metrics.text().contains("method_not_allowed"), "every route, /metrics included");
    let put = send(a, "PUT", "/forms/heoa/1.0.0", None, b"");
    assert_eq!(put.status, 405);
    assert!(put.text().contains("method_not_allowed"), "{}", put.text());
    assert!(put.header("allow").is_some_and(|m| m.contains("POST")), "{:?}", put.header("allow"));
}
