//! emcc-captures: writes the deterministic lab captures of a Cisco phone's Extension
//! Mobility Cross Cluster (EMCC) login that the dissector's tests and docs use.
//!
//! Usage: `emcc-captures [--out DIR] [--list]`. Output is byte-identical run to run: the
//! capture clock is fixed and every "random" value comes from a seeded generator.
//! The scenario follows the Cisco TAC article "Troubleshoot Extension Mobility Cross
//! Cluster (EMCC)" (document 214535): its packet tables give the frames and their times.

mod alarm;
mod alarm_variants;
mod capture;
mod clock;
mod cluster_files;
mod cucm;
mod der;
mod downloads;
mod emapp;
mod emapp_flow;
mod emcc_malformed;
mod emcc_refusals;
mod http;
mod lab;
mod message;
mod net;
mod pcapng;
mod phase;
mod phone;
mod phone_config;
mod prng;
mod registration;
mod remotecc;
mod scenario;
mod sip;
mod skinny;
mod tcp;
mod tftp;
mod tls;
mod topology;
mod trust_malformed;
mod trustlist;
mod tvs;
mod udp_alarms;
mod variants;
mod x509;
mod xml;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: emcc-captures [--out DIR] [--list]
  --out DIR   write every capture into DIR (default: captures)
  --list      print each capture's name and what it shows";

enum Command {
    Write(PathBuf),
    List,
    Help,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut out = PathBuf::from("captures");
    let mut list = false;
    let mut args = args;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().ok_or("--out needs a directory")?.into(),
            "--list" => list = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(if list {
        Command::List
    } else {
        Command::Write(out)
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

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("emcc-captures: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let dir = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::List => {
            for spec in variants::ALL {
                println!("{:<28} {}", spec.name, spec.about);
            }
            return ExitCode::SUCCESS;
        }
        Command::Write(dir) => dir,
    };
    if let Err(e) = fs::create_dir_all(&dir) {
        eprintln!("emcc-captures: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for spec in variants::ALL {
        let capture = (spec.build)();
        let bytes = capture.to_pcapng();
        match write_capture(&dir, spec.name, &bytes) {
            Ok(path) => println!("{} ({} frames)", path.display(), capture.len()),
            Err(e) => {
                eprintln!("emcc-captures: writing {}: {e}", spec.name);
                return ExitCode::FAILURE;
            }
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
    fn every_capture_is_deterministic() {
        for spec in variants::ALL {
            assert_eq!(
                (spec.build)().to_pcapng(),
                (spec.build)().to_pcapng(),
                "{}",
                spec.name
            );
        }
    }
}
