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
mod crypto;
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
mod mix;
mod multi_phone;
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
mod tftp_bodies;
mod tls;
mod tls12;
mod topology;
mod trust_malformed;
mod trustlist;
mod tvs;
mod tvs_decrypted;
mod tvs_message;
mod udp_alarms;
mod variants;
mod x509;
mod xml;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: emcc-captures [--out DIR] [--list]
       emcc-captures --crowd PHONES [--seed N] [--no-labels] [--out DIR]
  --out DIR     write into DIR (default: captures, or target/crowd with --crowd)
  --list        print each capture's name and what it shows
  --crowd N     instead of the committed captures, write one capture of N phones with a
                seeded mix of EMCC outcomes plus web traffic (emcc-crowd-N-SEED.pcapng)
  --seed N      the crowd's seed (default 1)
  --no-labels   leave out the crowd's flow: comments";

/// A large generated capture (see `multi_phone::crowd`).
#[derive(Debug, PartialEq, Eq)]
struct Crowd {
    phones: usize,
    seed: u64,
    labels: bool,
}

#[derive(Debug)]
enum Command {
    Write(PathBuf),
    WriteCrowd(PathBuf, Crowd),
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
    let mut seed = 1;
    let mut labels = true;
    let mut args = args;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(args.next().ok_or("--out needs a directory")?.into()),
            "--list" => list = true,
            "--crowd" => crowd = Some(number("--crowd", args.next())?),
            "--seed" => seed = number("--seed", args.next())?,
            "--no-labels" => labels = false,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument: {other}")),
        }
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

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("emcc-captures: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (dir, crowd) = match command {
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
        Command::Write(dir) => (dir, None),
        Command::WriteCrowd(dir, crowd) => (dir, Some(crowd)),
    };
    if let Err(e) = fs::create_dir_all(&dir) {
        eprintln!("emcc-captures: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    if let Some(c) = crowd {
        let capture = multi_phone::crowd(c.phones, c.seed, c.labels);
        let name = format!("emcc-crowd-{}-{}", c.phones, c.seed);
        return write(&dir, &name, &capture)
            .err()
            .unwrap_or(ExitCode::SUCCESS);
    }
    for spec in variants::ALL {
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
