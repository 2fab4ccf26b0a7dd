//! The bundle CLI: writes the built-in actors bundle CAR to a path and prints, per manifest slot,
//! the name, code CID, WASM size and where the module came from.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use fil_builtin_actors_bundle::BUNDLE;

const USAGE: &str = "\
Usage: fil_builtin_actors_bundle [-o PATH]

Prints the actors in the bundle (manifest name, code CID, WASM size) and, with -o, writes the
bundle CAR to PATH. The bundle's network is fixed at build time by BUILD_FIL_NETWORK.

Options:
  -o, --output PATH   write the bundle CAR to PATH (parent directories are created)
  -h, --help          print this help";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    /// Print the table, and write the CAR if a path is given.
    Bundle {
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let command = match parse_args(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(err) => {
            eprintln!("error: {err}\n\nTry `fil_builtin_actors_bundle --help`.");
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the arguments after the program name.
fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut output: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        let value = match arg.to_str() {
            Some("-h" | "--help") => return Ok(Command::Help),
            Some("-o" | "--output") => args
                .next()
                .ok_or_else(|| format!("`{}` needs a path", arg.to_string_lossy()))?,
            Some(flag) if flag.starts_with("--output=") => {
                OsString::from(&flag["--output=".len()..])
            }
            _ => return Err(format!("unexpected argument `{}`", arg.to_string_lossy())),
        };
        if value.is_empty() {
            return Err("the output path is empty".to_string());
        }
        if output.replace(PathBuf::from(value)).is_some() {
            return Err("the output path is given more than once".to_string());
        }
    }
    Ok(Command::Bundle { output })
}

fn run(command: Command) -> Result<(), String> {
    let output = match command {
        Command::Help => {
            return writeln!(io::stdout(), "{USAGE}").map_err(|e| format!("printing help: {e}"));
        }
        Command::Bundle { output } => output,
    };
    if let Some(path) = &output {
        write_car(path)?;
    }
    let mut stdout = io::stdout().lock();
    print_table(&mut stdout).map_err(|e| format!("printing the table: {e}"))?;
    if let Some(path) = &output {
        writeln!(
            stdout,
            "\nwrote {} bytes to {}",
            BUNDLE.car.len(),
            path.display()
        )
        .map_err(|e| format!("printing the summary: {e}"))?;
    }
    Ok(())
}

fn write_car(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    fs::write(path, BUNDLE.car).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn print_table(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "built-in actors bundle v{} for network {}",
        env!("CARGO_PKG_VERSION"),
        BUNDLE.network
    )?;
    writeln!(out, "manifest root: {}\n", BUNDLE.manifest_root)?;
    let name_width = BUNDLE
        .actors
        .iter()
        .map(|a| a.name.len())
        .max()
        .unwrap_or(0)
        .max("name".len());
    let cid_width = BUNDLE
        .actors
        .iter()
        .map(|a| a.code_cid.len())
        .max()
        .unwrap_or(0)
        .max("code CID".len());
    writeln!(
        out,
        "{:>2}  {:name_width$}  {:cid_width$}  {:>10}  crate",
        "#", "name", "code CID", "WASM bytes"
    )?;
    for actor in BUNDLE.actors {
        writeln!(
            out,
            "{:>2}  {:name_width$}  {:cid_width$}  {:>10}  {}",
            actor.builtin_type, actor.name, actor.code_cid, actor.wasm_size, actor.package
        )?;
    }
    let total: usize = BUNDLE.actors.iter().map(|a| a.wasm_size).sum();
    writeln!(
        out,
        "\n{} actors, {total} WASM bytes, CAR {} bytes",
        BUNDLE.actors.len(),
        BUNDLE.car.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(OsString::from))
    }

    fn bundle(path: Option<&str>) -> Command {
        Command::Bundle {
            output: path.map(PathBuf::from),
        }
    }

    #[test]
    fn parses_output_forms() {
        assert_eq!(parse(&[]), Ok(bundle(None)));
        assert_eq!(parse(&["-o", "out/b.car"]), Ok(bundle(Some("out/b.car"))));
        assert_eq!(parse(&["--output", "b.car"]), Ok(bundle(Some("b.car"))));
        assert_eq!(parse(&["--output=b.car"]), Ok(bundle(Some("b.car"))));
        assert_eq!(parse(&["-o", "b.car", "--help"]), Ok(Command::Help));
        assert_eq!(parse(&["-h"]), Ok(Command::Help));
    }

    #[test]
    fn rejects_bad_arguments() {
        assert_eq!(parse(&["-o"]), Err("`-o` needs a path".to_string()));
        assert_eq!(
            parse(&["--output"]),
            Err("`--output` needs a path".to_string())
        );
        assert_eq!(
            parse(&["--output="]),
            Err("the output path is empty".to_string())
        );
        assert_eq!(
            parse(&["-o", "a.car", "-o", "b.car"]),
            Err("the output path is given more than once".to_string())
        );
        assert_eq!(
            parse(&["b.car"]),
            Err("unexpected argument `b.car`".to_string())
        );
        assert_eq!(
            parse(&["--network", "mainnet"]),
            Err("unexpected argument `--network`".to_string())
        );
    }

    #[cfg(unix)]
    #[test]
    fn rejects_non_utf8_flags_but_accepts_non_utf8_paths() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let odd = OsStr::from_bytes(b"b\xffcar").to_os_string();
        assert!(parse_args([odd.clone()]).is_err());
        assert_eq!(
            parse_args([OsString::from("-o"), odd.clone()]),
            Ok(Command::Bundle {
                output: Some(PathBuf::from(odd))
            })
        );
    }

    #[test]
    fn table_lists_every_slot() {
        let mut out = Vec::new();
        print_table(&mut out).unwrap();
        let table = String::from_utf8(out).unwrap();
        for actor in BUNDLE.actors {
            assert!(
                table.contains(actor.code_cid),
                "{} missing from the table",
                actor.name
            );
        }
    }
}
