// Build script of the bundle crate: compiles every actor to wasm32 and packs the modules into the
// network's bundle CAR (a version-1 manifest in the FVM's builtin-type order), then generates the
// Rust constants `src/lib.rs` exposes (the CAR bytes, network, code CIDs and WASM sizes).
//
// Inputs: `BUILD_FIL_NETWORK` (default `mainnet`) picks the network; it is passed on to the WASM
// compile, where the runtime reads it. `STACK_CHECK_BYTES`, when set, packs every module with its
// stack cut to that many bytes (`make stack-check`; see `tools/binaryen/stack-check.mjs`).
// Outputs, under `OUT_DIR`: `wasm/<slot>.wasm`, `bundle/bundle-<network>.car` and
// `bundle_info.rs`.
//
// The actors are compiled by a nested cargo with its own target dir
// (`<target>/wasm-actors/<network>`), so it never waits on the lock the outer cargo holds on its
// own target dir, all actors (and, for the test network, the relay test actor) in one run.

use std::collections::{BTreeSet, HashSet};
use std::env;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fil_actor_bundler::Bundler;

/// The manifest, in builtin-type order (type ids start at 1): each slot's manifest name and the
/// workspace crate that implements it, which must have the `fil-actor` feature.
const MANIFEST: &[(&str, &str)] = &[
    ("system", "fil_actor_system"),
    ("init", "fil_actor_init"),
    ("cron", "fil_actor_cron"),
    ("account", "fil_actor_account"),
    ("storagepower", "fil_actor_power"),
    ("storageminer", "fil_actor_miner"),
    ("storagemarket", "fil_actor_market"),
    ("paymentchannel", "fil_actor_paych"),
    ("multisig", "fil_actor_multisig"),
    ("reward", "fil_actor_reward"),
    ("verifiedregistry", "fil_actor_verifreg"),
    ("datacap", "fil_actor_datacap"),
    ("placeholder", "fil_actor_placeholder"),
    ("evm", "fil_actor_evm"),
    ("eam", "fil_actor_eam"),
    ("ethaccount", "fil_actor_ethaccount"),
];

/// A user actor for tests, compiled with the test network's bundle but left out of its manifest:
/// the FVM runs it as it runs any contract (`RELAY_ACTOR_WASM`).
const RELAY_PACKAGE: &str = "fil_test_actor_relay";

const NETWORK_ENV: &str = "BUILD_FIL_NETWORK";
/// When set, the stack (in bytes) every packed module is cut to, to measure how much the actors
/// use: a test that passes on such a bundle never needs more.
const STACK_CHECK_ENV: &str = "STACK_CHECK_BYTES";
/// The binaryen.js script that cuts a module's stack.
const STACK_CHECK: &str = "tools/binaryen/stack-check.mjs";
const DEFAULT_NETWORK: &str = "mainnet";
/// The network whose bundle the test engines run: fake proofs, testing policy.
const TEST_NETWORK: &str = "testing-fake-proofs";
const NETWORKS: &[&str] = &[
    "mainnet",
    "calibrationnet",
    "butterflynet",
    "caterpillarnet",
    "devnet",
    "testing",
    "testing-fake-proofs",
];

/// The feature through which an actor crate exports its WASM `invoke` entry point.
const ACTOR_FEATURE: &str = "fil-actor";

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_PROFILE: &str = "wasm";

/// Binaryen's optimizer, as binaryen.js run by Node.js, installed from `tools/binaryen`'s lock file
/// (`make wasm-tools`). Every slot's module passes through it before it is packed: after rustc's
/// own `opt-level = 3`, `-O3` removes about an eighth of each module (the miner's 1.69 MB become
/// 1.51 MB) and the instructions it executes, which the FVM charges one by one.
const WASM_OPT: &str = "tools/binaryen/node_modules/binaryen/bin/wasm-opt";
/// The features the modules may use: the WebAssembly MVP with sign extension and mutable globals
/// (rustc emits both), and bulk memory (`memory.copy`/`memory.fill`), which the FVM enables. Any
/// other feature (multi-value, reference types, ...) the FVM refuses, so binaryen must not
/// introduce it.
const WASM_OPT_ARGS: &[&str] = &[
    "-O3",
    "--mvp-features",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
];

/// Variables of the outer build that must not leak into the nested cargo: they would retarget it,
/// change its flags, or wrap its rustc (clippy runs build scripts with a rustc wrapper).
const SCRUBBED_ENV: &[&str] = &[
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
];

type Result<T> = std::result::Result<T, String>;

fn main() {
    if let Err(err) = run() {
        eprintln!("error: building the actors bundle failed: {err}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let root = PathBuf::from(var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(var("OUT_DIR")?);
    let cargo = var("CARGO")?;

    println!("cargo:rerun-if-env-changed={NETWORK_ENV}");
    println!("cargo:rerun-if-env-changed={STACK_CHECK_ENV}");
    for input in [
        "actors",
        "test_actors",
        "runtime",
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        ".cargo/config.toml",
        "tools/binaryen/package-lock.json",
        STACK_CHECK,
    ] {
        println!("cargo:rerun-if-changed={}", root.join(input).display());
    }

    let network = network()?;
    let members = actor_members(&cargo, &root)?;
    let packages = MANIFEST.iter().map(|&(_, package)| package);
    if let Some(missing) = packages
        .chain([RELAY_PACKAGE])
        .find(|package| !members.contains(*package))
    {
        return Err(format!(
            "{missing} must be a workspace member with the `{ACTOR_FEATURE}` feature"
        ));
    }
    let main = build_bundle(&cargo, &root, &out_dir, network)?;
    // Tests commit sectors without proof parameters, so they run the fake-proofs network; build
    // it too unless it is the network asked for.
    let test = if network == TEST_NETWORK {
        None
    } else {
        Some(build_bundle(&cargo, &root, &out_dir, TEST_NETWORK)?)
    };
    let mut info = String::from("// Generated by build.rs: the bundles built for this crate.\n");
    write_bundle_const(
        &mut info,
        "BUNDLE",
        "The bundle of the network asked for (`BUILD_FIL_NETWORK`, default mainnet).",
        &main,
    );
    write_bundle_const(
        &mut info,
        "TEST_BUNDLE",
        "The `testing-fake-proofs` bundle the test engines run (the same as [`BUNDLE`] when that \
         is the network asked for).",
        test.as_ref().unwrap_or(&main),
    );
    if let Some(relay) = &test.as_ref().unwrap_or(&main).relay_wasm {
        let _ = writeln!(
            info,
            "/// The test-only relay actor (`{RELAY_PACKAGE}`), compiled for `{TEST_NETWORK}`; not in any manifest.\npub const RELAY_ACTOR_WASM: &[u8] = include_bytes!({:?});",
            relay.display().to_string()
        );
    }
    let info_path = out_dir.join("bundle_info.rs");
    fs::write(&info_path, info).map_err(|e| format!("writing {}: {e}", info_path.display()))?;
    Ok(())
}

/// What one network's build produced.
struct Built {
    network: &'static str,
    car_path: PathBuf,
    root_cid: String,
    cids: Vec<String>,
    sizes: Vec<usize>,
    /// The relay test actor's module, built with the test network only.
    relay_wasm: Option<PathBuf>,
}

/// Compiles every slot's module for `network` and packs them into
/// `OUT_DIR/bundle/bundle-<network>.car`.
fn build_bundle(cargo: &str, root: &Path, out_dir: &Path, network: &'static str) -> Result<Built> {
    // One nested target dir per network: the runtime (and so every actor) compiles differently
    // per network, and separate dirs let builds for two networks alternate without rebuilding.
    let wasm_target_dir = target_dir(out_dir)?.join("wasm-actors").join(network);
    let wasm_out = wasm_target_dir.join(WASM_TARGET).join(WASM_PROFILE);
    fs::create_dir_all(&wasm_target_dir)
        .map_err(|e| format!("creating {}: {e}", wasm_target_dir.display()))?;
    // Held until the modules are copied out: another build of this network (another outer
    // profile, or another cargo process on the same target dir) must not overwrite a module
    // between its build and its copy.
    let lock_path = wasm_target_dir.join("bundle-build.lock");
    let lock = fs::File::create(&lock_path)
        .map_err(|e| format!("creating {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;
    let staged = out_dir.join("wasm").join(network);
    fs::create_dir_all(&staged).map_err(|e| format!("creating {}: {e}", staged.display()))?;

    // All actors in one cargo run, so their shared dependencies build once, in parallel.
    let with_relay = network == TEST_NETWORK;
    let mut cmd = wasm_build(cargo, root, &wasm_target_dir, network);
    for &(_, package) in MANIFEST {
        cmd.arg("-p").arg(package);
    }
    if with_relay {
        cmd.arg("-p").arg(RELAY_PACKAGE);
    }
    run_cargo(cmd)?;

    let modules: Vec<(PathBuf, PathBuf)> = MANIFEST
        .iter()
        .map(|&(name, package)| {
            (
                wasm_out.join(format!("{package}.wasm")),
                staged.join(format!("{name}.wasm")),
            )
        })
        .collect();
    optimize_all(root, &modules)?;
    let relay_wasm = if with_relay {
        let built = wasm_out.join(format!("{RELAY_PACKAGE}.wasm"));
        let dest = staged.join(format!("{RELAY_PACKAGE}.wasm"));
        fs::copy(&built, &dest)
            .map_err(|e| format!("copying {} to {}: {e}", built.display(), dest.display()))?;
        Some(dest)
    } else {
        None
    };
    drop(lock);
    // The modules as packed: optimized, and with their stack cut when a stack check is asked for.
    let stack_check = stack_check_bytes()?;
    let packed = |dest: &Path| -> Result<PathBuf> {
        match stack_check {
            Some(bytes) => cut_stack(root, dest, bytes),
            None => Ok(dest.to_path_buf()),
        }
    };
    let packed_modules = modules
        .iter()
        .map(|(_, dest)| packed(dest))
        .collect::<Result<Vec<PathBuf>>>()?;
    let sizes = packed_modules
        .iter()
        .map(|module| check_wasm(module))
        .collect::<Result<Vec<usize>>>()?;
    let relay_wasm = relay_wasm.map(|dest| packed(&dest)).transpose()?;
    if let Some(relay) = &relay_wasm {
        check_wasm(relay)?;
    }

    // Pack the modules, in manifest order, into the CAR.
    let bundle_dir = out_dir.join("bundle");
    fs::create_dir_all(&bundle_dir)
        .map_err(|e| format!("creating {}: {e}", bundle_dir.display()))?;
    let car_path = bundle_dir.join(format!("bundle-{network}.car"));
    let mut bundler = Bundler::new(&car_path);
    let mut cids = Vec::with_capacity(MANIFEST.len());
    for ((builtin_type, &(name, _)), wasm) in (1u32..).zip(MANIFEST).zip(&packed_modules) {
        let cid = bundler
            .add_from_file(builtin_type, name.to_string(), None, wasm)
            .map_err(|e| format!("adding {} to the bundle: {e:#}", wasm.display()))?;
        cids.push(cid.to_string());
    }
    bundler
        .finish()
        .map_err(|e| format!("writing {}: {e:#}", car_path.display()))?;

    // The FVM maps each code CID to one builtin type: two slots sharing a module would break it.
    let mut seen = HashSet::new();
    for (&(name, _), cid) in MANIFEST.iter().zip(&cids) {
        if !seen.insert(cid) {
            return Err(format!(
                "slot {name} has the same code CID as another slot: {cid}"
            ));
        }
    }

    let root_cid = car_root(&car_path)?;
    Ok(Built {
        network,
        car_path,
        root_cid,
        cids,
        sizes,
        relay_wasm,
    })
}

fn var(name: &str) -> Result<String> {
    env::var(name).map_err(|e| format!("reading {name}: {e}"))
}

/// The network from `BUILD_FIL_NETWORK`, checked against the known networks.
fn network() -> Result<&'static str> {
    let requested = match env::var(NETWORK_ENV) {
        Ok(value) if !value.is_empty() => value,
        Ok(_) | Err(env::VarError::NotPresent) => return Ok(DEFAULT_NETWORK),
        Err(env::VarError::NotUnicode(value)) => {
            return Err(format!("{NETWORK_ENV} is not valid UTF-8: {value:?}"))
        }
    };
    NETWORKS
        .iter()
        .copied()
        .find(|&known| known == requested)
        .ok_or_else(|| {
            format!(
                "unknown network {requested:?} in {NETWORK_ENV}; expected one of: {}",
                NETWORKS.join(", ")
            )
        })
}

/// The names of the workspace's member packages that declare the `fil-actor` feature (the ones
/// that export `invoke`), from `cargo metadata` (without resolving dependencies).
fn actor_members(cargo: &str, root: &Path) -> Result<BTreeSet<String>> {
    let mut cmd = Command::new(cargo);
    scrub(&mut cmd);
    cmd.args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--manifest-path",
    ])
    .arg(root.join("Cargo.toml"))
    .stderr(Stdio::inherit());
    let output = cmd
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed with {}", output.status));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("parsing cargo metadata: {e}"))?;
    let member_ids: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .ok_or("cargo metadata has no workspace_members")?
        .iter()
        .filter_map(|id| id.as_str())
        .collect();
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata has no packages")?;
    Ok(packages
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| member_ids.contains(id)))
        .filter(|p| p["features"].get(ACTOR_FEATURE).is_some())
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect())
}

/// The outer target dir: `OUT_DIR` is `<target>[/<triple>]/<profile>/build/<pkg>-<hash>/out`.
fn target_dir(out_dir: &Path) -> Result<PathBuf> {
    let build = out_dir
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "build"))
        .ok_or_else(|| format!("cannot find the target dir above {}", out_dir.display()))?;
    let profile_dir = build.parent().ok_or("build dir has no parent")?;
    let mut target = profile_dir.parent().ok_or("profile dir has no parent")?;
    // A cross build nests the profile dir under the target triple, inside the target dir (which
    // cargo marks with CACHEDIR.TAG).
    if let Some(parent) = target.parent().filter(|p| p.join("CACHEDIR.TAG").exists()) {
        target = parent;
    }
    Ok(target.to_path_buf())
}

/// A nested `cargo build` of actor crates for the WASM target, with their `invoke` exports. The
/// runtime reads `BUILD_FIL_NETWORK` for the network's policy (and fake proofs).
fn wasm_build(cargo: &str, root: &Path, target_dir: &Path, network: &str) -> Command {
    let mut cmd = Command::new(cargo);
    scrub(&mut cmd);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args([
            "--target",
            WASM_TARGET,
            "--profile",
            WASM_PROFILE,
            "--locked",
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .args(["--features", ACTOR_FEATURE])
        .env(NETWORK_ENV, network);
    cmd
}

fn scrub(cmd: &mut Command) {
    for name in SCRUBBED_ENV {
        cmd.env_remove(name);
    }
}

/// Runs a nested cargo; its output goes to this script's stderr so that nothing it prints is
/// read as a build-script directive.
fn run_cargo(mut cmd: Command) -> Result<()> {
    cmd.stdout(Stdio::from(std::io::stderr()))
        .stderr(Stdio::inherit());
    let status = cmd.status().map_err(|e| format!("running {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed with {status} (its errors are above; if `core` is missing, run \
             `rustup target add {WASM_TARGET}`)"
        ))
    }
}

/// Runs [`optimize_wasm`] on every `(built, dest)` pair, as many at once as there are cores.
fn optimize_all(root: &Path, modules: &[(PathBuf, PathBuf)]) -> Result<()> {
    let wasm_opt = root.join(WASM_OPT);
    if !wasm_opt.is_file() {
        return Err(format!(
            "{} is missing: run `make wasm-tools` (npm ci in tools/binaryen)",
            wasm_opt.display()
        ));
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let queue = std::sync::Mutex::new(modules.iter());
    let next = || queue.lock().map(|mut q| q.next()).ok().flatten();
    std::thread::scope(|scope| {
        let running: Vec<_> = (0..workers.min(modules.len()))
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    while let Some((built, dest)) = next() {
                        optimize_wasm(&wasm_opt, built, dest)?;
                    }
                    Ok(())
                })
            })
            .collect();
        running.into_iter().try_for_each(|w| {
            w.join()
                .map_err(|_| "a wasm-opt worker panicked".to_string())?
        })
    })
}

/// Writes `built`, optimized by binaryen's `wasm-opt` ([`WASM_OPT_ARGS`]), to `dest`, unless
/// `dest` already holds the optimization of the same input with the same arguments: a copy of
/// the input and the arguments are kept beside it (`<slot>.input.wasm`, `<slot>.args`).
fn optimize_wasm(wasm_opt: &Path, built: &Path, dest: &Path) -> Result<()> {
    let input = fs::read(built).map_err(|e| format!("reading {}: {e}", built.display()))?;
    let (input_copy, args_copy) = (
        dest.with_extension("input.wasm"),
        dest.with_extension("args"),
    );
    let args = WASM_OPT_ARGS.join(" ");
    if dest.is_file()
        && fs::read(&input_copy).is_ok_and(|copy| copy == input)
        && fs::read_to_string(&args_copy).is_ok_and(|copy| copy == args)
    {
        return Ok(());
    }
    let mut command: Vec<&OsStr> = WASM_OPT_ARGS.iter().map(OsStr::new).collect();
    command.extend([built.as_os_str(), OsStr::new("-o"), dest.as_os_str()]);
    run_node(wasm_opt, &command, built)?;
    fs::write(&input_copy, &input)
        .and_then(|()| fs::write(&args_copy, &args))
        .map_err(|e| format!("writing {}: {e}", input_copy.display()))
}

/// The stack size `STACK_CHECK_BYTES` asks the modules to be cut to, if set.
fn stack_check_bytes() -> Result<Option<u32>> {
    match env::var(STACK_CHECK_ENV) {
        Ok(value) => value.parse().map(Some).map_err(|e| {
            format!("{STACK_CHECK_ENV} must be a number of bytes, not {value:?}: {e}")
        }),
        Err(env::VarError::NotPresent) => Ok(None),
        Err(env::VarError::NotUnicode(value)) => {
            Err(format!("{STACK_CHECK_ENV} is not valid UTF-8: {value:?}"))
        }
    }
}

/// Writes `module` with its stack cut to `bytes` beside it (`<slot>.stack-check.wasm`) and
/// returns that path.
fn cut_stack(root: &Path, module: &Path, bytes: u32) -> Result<PathBuf> {
    let checked = module.with_extension("stack-check.wasm");
    let bytes = bytes.to_string();
    let args = [module.as_os_str(), OsStr::new(&bytes), checked.as_os_str()];
    run_node(&root.join(STACK_CHECK), &args, module)?;
    Ok(checked)
}

/// Runs the Node.js script `script` with `args`, about `module` (named in its errors).
fn run_node(script: &Path, args: &[&OsStr], module: &Path) -> Result<()> {
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running node {}: {e}", script.display()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{} failed on {} with {}:\n{}",
        script.display(),
        module.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// Checks that a file looks like a WASM module (magic and version 1); returns its size.
fn check_wasm(path: &Path) -> Result<usize> {
    let bytes = fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    if !bytes.starts_with(b"\0asm\x01\0\0\0") {
        return Err(format!("{} is not a WASM module", path.display()));
    }
    Ok(bytes.len())
}

/// The single root of the written CAR: the manifest envelope.
fn car_root(car_path: &Path) -> Result<String> {
    let file =
        fs::File::open(car_path).map_err(|e| format!("opening {}: {e}", car_path.display()))?;
    let reader = fvm_ipld_car::CarReader::new(std::io::BufReader::new(file))
        .map_err(|e| format!("reading {}: {e}", car_path.display()))?;
    match reader.header.roots.as_slice() {
        [root] => Ok(root.to_string()),
        roots => Err(format!("expected one CAR root, found {}", roots.len())),
    }
}

/// Appends to the Rust source included by `src/lib.rs` one `BuiltBundle` constant describing
/// `built`.
fn write_bundle_const(out: &mut String, name: &str, doc: &str, built: &Built) {
    let _ = writeln!(out, "/// {doc}");
    let _ = writeln!(out, "pub const {name}: BuiltBundle = BuiltBundle {{");
    let _ = writeln!(out, "    network: {:?},", built.network);
    let _ = writeln!(
        out,
        "    car: include_bytes!({:?}),",
        built.car_path.display().to_string()
    );
    let _ = writeln!(out, "    manifest_root: {:?},", built.root_cid);
    let _ = writeln!(out, "    actors: &[");
    for ((builtin_type, (slot, package)), (cid, size)) in (1u32..)
        .zip(MANIFEST)
        .zip(built.cids.iter().zip(&built.sizes))
    {
        let _ = writeln!(
            out,
            "        BundledActor {{ builtin_type: {builtin_type}, name: {slot:?}, package: {package:?}, code_cid: {cid:?}, wasm_size: {size} }},"
        );
    }
    let _ = writeln!(out, "    ],");
    let _ = writeln!(out, "}};");
}
