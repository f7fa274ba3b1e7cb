//! emcc-captures: writes the deterministic lab captures of a Cisco phone's Extension
//! Mobility Cross Cluster (EMCC) login that the dissector's tests and docs use.
//!
//! Usage: `emcc-captures [--out DIR] [--list]`; `--crowd` and `--bench` write one large
//! capture instead (see the usage text). Output is byte-identical run to run: the
//! capture clock is fixed and every "random" value comes from a seeded generator.
//! The scenario follows the Cisco TAC article "Troubleshoot Extension Mobility Cross
//! Cluster (EMCC)" (document 214535): its packet tables give the frames and their times.

mod alarm;
mod alarm_variants;
mod bench;
mod bench_phone;
mod bench_sccp;
mod call;
mod capture;
mod ciscoreg;
mod ciscoreg_sccp;
mod ciscoreg_sip;
mod clock;
mod cluster_files;
mod cucm;
mod dns;
mod downloads;
mod emapp;
mod emapp_flow;
mod emcc_em_api;
mod emcc_malformed;
mod emcc_refusals;
mod emcc_sccp;
mod http;
mod lab;
mod message;
mod mix;
mod multi_phone;
mod net;
mod office_pc;
mod pcapng;
mod phase;
mod phone;
mod phone_config;
mod png;
mod prng;
mod registration;
mod registration_sccp;
mod remotecc;
mod rtp;
mod scenario;
mod sdp;
mod sip;
mod skinny;
mod skinny_pdu;
mod tcp;
mod tftp;
mod tftp_bodies;
mod tls;
mod tls12;
mod topology;
mod trust_malformed;
mod trustlist;
mod tvs;
mod tvs_decrypted;
mod tvs_many_records;
mod tvs_message;
mod udp_alarms;
mod variants;
mod x509;
mod xml;

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: emcc-captures [--out DIR] [--list]
       emcc-captures --crowd PHONES [--seed N] [--no-labels] [--out DIR]
       emcc-captures --bench PHONES [--seed N] [--out DIR]
  --out DIR     write into DIR (default: captures, target/crowd with --crowd,
                target/bench with --bench)
  --list        print each capture's name and what it shows
  --crowd N     instead of the committed captures, write one capture of N phones that
                all do an EMCC login or logout (a seeded mix of outcomes) plus web
                traffic: a worst case (emcc-crowd-N-SEED.pcapng)
  --bench N     instead of the committed captures, write a realistic benchmark capture
                (emcc-bench-N-SEED.pcapng): 3 minutes of N phones in offices of 200,
                all registered: three quarters SIP refreshing every 115 s, a quarter
                SCCP keeping alive every 30 s; 3% booting (downloads, DNS, REGISTER and
                alarms, or Skinny Alarm and Register), 5% doing EMCC, 2.5% (SIP) in a
                G.711 call (RTP: most of the frames), a PC per 10 phones (DNS, web);
                about 206 frames a phone, in proportion (5000 phones make about a
                million); written as generated
  --seed N      the crowd's or bench's seed (default 1)
  --no-labels   leave out the crowd's flow: comments";

/// The phone registration health captures (`ciscoreg.rs`), written and listed after
/// the lab-based ones of `variants::ALL`.
const CISCOREG: &[variants::Spec] = &[
    variants::Spec {
        name: "ciscoreg-sip",
        about: "Eight SIP phones' registrations (10.20.1.x, CUCM 10.20.0.11/.12): healthy with backup keepalives and unregister, a late refresh, 404s, failover to the backup, a registration loop, a CUCM RST, UDP, one caught mid-life; ciscoreg: comments",
        build: ciscoreg_sip::capture,
    },
    variants::Spec {
        name: "ciscoreg-sccp",
        about: "Six SCCP phones' registrations on TCP 2000 (10.20.2.x): healthy with secondary keepalives, missed keepalives, RegisterReject, failover to the secondary, Unregister, a CUCM RST; ciscoreg: comments",
        build: ciscoreg_sccp::capture,
    },
];

/// Every committed capture, in the order they are written and listed.
fn committed() -> impl Iterator<Item = &'static variants::Spec> {
    variants::ALL.iter().chain(CISCOREG)
}

/// A large generated capture (see `multi_phone::crowd`).
#[derive(Debug, PartialEq, Eq)]
struct Crowd {
    phones: usize,
    seed: u64,
    labels: bool,
}

/// The benchmark capture (see `bench`).
#[derive(Debug, PartialEq, Eq)]
struct Bench {
    phones: usize,
    seed: u64,
}

#[derive(Debug)]
enum Command {
    Write(PathBuf),
    WriteCrowd(PathBuf, Crowd),
    WriteBench(PathBuf, Bench),
    List,
    Help,
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<String>) -> Result<T, String> {
    let value = value.ok_or(format!("{flag} needs a number"))?;
    value
        .parse()
        .map_err(|_| format!("{flag}: not a number: {value}"))
}

fn parse(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut out = None;
    let mut list = false;
    let mut crowd = None;
    let mut bench = None;
    let mut seed = 1;
    let mut labels = true;
    let mut args = args;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(args.next().ok_or("--out needs a directory")?.into()),
            "--list" => list = true,
            "--crowd" => crowd = Some(number("--crowd", args.next())?),
            "--bench" => bench = Some(number("--bench", args.next())?),
            "--seed" => seed = number("--seed", args.next())?,
            "--no-labels" => labels = false,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    if let Some(phones) = bench {
        if crowd.is_some() || list {
            return Err("--bench goes with neither --crowd nor --list".to_string());
        }
        if !labels {
            return Err("--no-labels is for --crowd (a bench capture has no labels)".to_string());
        }
        return Ok(Command::WriteBench(
            out.unwrap_or_else(|| PathBuf::from("target/bench")),
            Bench { phones, seed },
        ));
    }
    Ok(match (list, crowd) {
        (true, _) => Command::List,
        (false, Some(phones)) => Command::WriteCrowd(
            out.unwrap_or_else(|| PathBuf::from("target/crowd")),
            Crowd {
                phones,
                seed,
                labels,
            },
        ),
        (false, None) => Command::Write(out.unwrap_or_else(|| PathBuf::from("captures"))),
    })
}

/// Writes through a temporary file so a reader never sees half a capture.
fn write_capture(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("{name}.pcapng"));
    let tmp = dir.join(format!("{name}.pcapng.tmp"));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, &path)?;
    Ok(path)
}

fn write(dir: &Path, name: &str, capture: &capture::Capture) -> Result<(), ExitCode> {
    match write_capture(dir, name, &capture.to_pcapng()) {
        Ok(path) => {
            println!("{} ({} frames)", path.display(), capture.len());
            Ok(())
        }
        Err(e) => {
            eprintln!("emcc-captures: writing {name}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// Streams the benchmark capture into `dir` through a temporary file.
fn write_bench(dir: &Path, b: &Bench) -> Result<(), ExitCode> {
    let name = format!("emcc-bench-{}-{}", b.phones, b.seed);
    let path = dir.join(format!("{name}.pcapng"));
    let tmp = dir.join(format!("{name}.pcapng.tmp"));
    let written = fs::File::create(&tmp).and_then(|file| {
        let (frames, _) = bench::frames_in_order(b.phones, b.seed);
        let written = capture::stream_pcapng(frames, BufWriter::with_capacity(1 << 20, file))?;
        fs::rename(&tmp, &path)?;
        Ok(written)
    });
    match written {
        Ok(w) => {
            let mb = w.bytes as f64 / 1e6;
            println!("{} ({} frames, {mb:.1} MB)", path.display(), w.frames);
            Ok(())
        }
        Err(e) => {
            eprintln!("emcc-captures: writing {name}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("emcc-captures: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (dir, crowd, bench) = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::List => {
            for spec in committed() {
                println!("{:<28} {}", spec.name, spec.about);
            }
            return ExitCode::SUCCESS;
        }
        Command::Write(dir) => (dir, None, None),
        Command::WriteCrowd(dir, crowd) => (dir, Some(crowd), None),
        Command::WriteBench(dir, bench) => (dir, None, Some(bench)),
    };
    if let Err(e) = fs::create_dir_all(&dir) {
        eprintln!("emcc-captures: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    if let Some(b) = bench {
        return write_bench(&dir, &b).err().unwrap_or(ExitCode::SUCCESS);
    }
    if let Some(c) = crowd {
        let capture = multi_phone::crowd(c.phones, c.seed, c.labels);
        let name = format!("emcc-crowd-{}-{}", c.phones, c.seed);
        return write(&dir, &name, &capture)
            .err()
            .unwrap_or(ExitCode::SUCCESS);
    }
    for spec in committed() {
        if let Err(code) = write(&dir, spec.name, &(spec.build)()) {
            return code;
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn command_line() {
        assert!(matches!(parse(args(&[])), Ok(Command::Write(p)) if p == Path::new("captures")));
        assert!(
            matches!(parse(args(&["--out", "x"])), Ok(Command::Write(p)) if p == Path::new("x"))
        );
        assert!(matches!(parse(args(&["--list"])), Ok(Command::List)));
        assert!(parse(args(&["--out"])).is_err());
        assert!(parse(args(&["--bogus"])).is_err());
    }

    #[test]
    fn crowd_command_line() {
        let crowd = |phones, seed, labels| Crowd {
            phones,
            seed,
            labels,
        };
        assert!(matches!(
            parse(args(&["--crowd", "5000"])),
            Ok(Command::WriteCrowd(p, c)) if p == Path::new("target/crowd") && c == crowd(5000, 1, true)
        ));
        assert!(matches!(
            parse(args(&["--crowd", "10", "--seed", "7", "--no-labels", "--out", "d"])),
            Ok(Command::WriteCrowd(p, c)) if p == Path::new("d") && c == crowd(10, 7, false)
        ));
        assert!(parse(args(&["--crowd"])).is_err());
        assert!(parse(args(&["--crowd", "many"])).is_err());
        assert!(parse(args(&["--seed", "-1"])).is_err());
    }

    #[test]
    fn bench_command_line() {
        assert!(matches!(
            parse(args(&["--bench", "6000"])),
            Ok(Command::WriteBench(p, b)) if p == Path::new("target/bench") && b == Bench { phones: 6000, seed: 1 }
        ));
        assert!(matches!(
            parse(args(&["--seed", "3", "--bench", "10", "--out", "d"])),
            Ok(Command::WriteBench(p, b)) if p == Path::new("d") && b == Bench { phones: 10, seed: 3 }
        ));
        assert!(parse(args(&["--bench"])).is_err());
        assert!(parse(args(&["--bench", "1", "--crowd", "1"])).is_err());
        assert!(parse(args(&["--bench", "1", "--no-labels"])).is_err());
        assert!(parse(args(&["--bench", "1", "--list"])).is_err());
    }

    #[test]
    fn every_capture_is_deterministic() {
        for spec in committed() {
            assert_eq!(
                (spec.build)().to_pcapng(),
                (spec.build)().to_pcapng(),
                "{}",
                spec.name
            );
        }
    }
}
