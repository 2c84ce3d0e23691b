//! The device out of file descriptors (issue 23): the accept loop rests between attempts
//! instead of spinning, logs at most a line an interval, keeps serving, and recovers when
//! descriptors are free again. A test binary of its own: it lowers the process's own limit.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use helios_device::clock::SystemClock;
use helios_device::{Device, Profile};
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// This process's CPU time so far (user and system), from /proc/self/stat (opened before the
/// descriptors run out), in clock ticks.
fn cpu_ticks(file: &mut std::fs::File) -> u64 {
    use std::io::Seek;
    let mut stat = String::new();
    file.rewind().expect("rewound");
    file.read_to_string(&mut stat).expect("/proc/self/stat");
    // The fields after the command name, which ends with the last ')'.
    let fields: Vec<&str> = stat[stat.rfind(')').expect("a name") + 2..]
        .split(' ')
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

fn open_descriptors() -> u64 {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count() as u64
}

/// A request over a fresh connection: the device's reply's status line.
fn ask(address: SocketAddr) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"GET /api/system/info HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    Ok(String::from_utf8_lossy(&reply)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_descriptors_the_accept_loop_rests_and_recovers() {
    let device = Device::new(Profile::default_profile(), Arc::new(SystemClock::new()));
    let any = SocketAddr::from(([127, 0, 0, 1], 0));
    let running = helios_device::server::start(device, Some(any), None)
        .await
        .expect("the device starts");
    let address = running.http.expect("an HTTP address");
    assert!(ask(address).expect("served").starts_with("HTTP/1.1 200"));

    let mut stat = std::fs::File::open("/proc/self/stat").expect("/proc/self/stat");
    let limit = getrlimit(Resource::Nofile);
    let low = open_descriptors() + 24;
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(low),
            maximum: limit.maximum,
        },
    )
    .expect("a lower limit");
    // Clients take the descriptors until none is left: the connections they open wait in
    // the listener's backlog, which the device cannot accept (EMFILE).
    let mut held = Vec::new();
    while held.len() < 200 {
        match TcpStream::connect(address) {
            Ok(stream) => held.push(stream),
            Err(_) => break,
        }
    }
    assert!(held.len() < 200, "the lower limit never bit");
    let before = cpu_ticks(&mut stat);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let spent = cpu_ticks(&mut stat) - before;
    // A loop that retries at once burns a core: 200 ticks in 2 s at 100 Hz.
    assert!(
        spent < 40,
        "{spent} ticks of CPU in 2 s while out of descriptors"
    );

    // Descriptors free again: the device accepts and answers.
    drop(held);
    setrlimit(Resource::Nofile, limit).expect("the limit back");
    let mut answered = None;
    for _ in 0..20 {
        if let Ok(line) = ask(address) {
            answered = Some(line);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        answered.is_some_and(|l| l.starts_with("HTTP/1.1 200")),
        "not served after recovery"
    );
    running.shutdown().await;
}
