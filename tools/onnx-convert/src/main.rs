//! Runs burn-onnx's `ModelGen` on the three style-transfer ONNX graphs and writes the
//! generated Rust into `src/style/generated/` and the weights (`.bpk`, read at run time
//! from the assets folder and handed to the model: `LoadStrategy::Bytes`) into
//! `assets/weights/`.
//!
//! usage (from the repository root):
//! `CARGO_TARGET_DIR=$HOME/.cache/onnx-convert-target cargo run \
//!    --manifest-path tools/onnx-convert/Cargo.toml -- ONNX_DIR`
//! where ONNX_DIR holds multistyle26.onnx, arbitrary_predict_f32.onnx and
//! arbitrary_transform_f32.onnx; then `cargo fmt` in the repository. The `.bpk` files differ
//! byte-wise from run to run (parameter ids) but load the same.

use burn_onnx::{LoadStrategy, ModelGen};
use std::path::{Path, PathBuf};

const MODELS: [&str; 3] = [
    "multistyle26",
    "arbitrary_predict_f32",
    "arbitrary_transform_f32",
];

fn main() {
    let onnx_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("assets/weights"));
    let scratch = PathBuf::from("target/onnx-convert");
    std::fs::create_dir_all(&scratch).expect("create scratch dir");
    for name in MODELS {
        let input = onnx_dir.join(format!("{name}.onnx"));
        if !input.is_file() {
            eprintln!("missing {}", input.display());
            std::process::exit(1);
        }
        ModelGen::new()
            .input(input.to_str().expect("utf-8 path"))
            .out_dir(scratch.to_str().expect("utf-8 path"))
            .development(false)
            .load_strategy(LoadStrategy::Bytes)
            .run_from_cli();
        println!("converted {name}");
    }
    install(&scratch);
}

/// Moves `*.rs` into src/style/generated and `*.bpk` into assets/weights.
fn install(scratch: &Path) {
    let src = Path::new("src/style/generated");
    let weights = Path::new("assets/weights");
    std::fs::create_dir_all(src).expect("create src/style/generated");
    for entry in std::fs::read_dir(scratch).expect("read scratch") {
        let path = entry.expect("entry").path();
        let Some(file) = path.file_name() else {
            continue;
        };
        let dest = match path.extension().and_then(|e| e.to_str()) {
            Some("rs") => {
                // The main crate reaches burn-store through burn's `store` re-export, and
                // the header should not carry this machine's paths.
                let code = std::fs::read_to_string(&path).expect("read generated code");
                let code = code.replace("burn_store::", "burn::store::");
                let code = if file == "multistyle26.rs" {
                    square_instead_of_pow(&code)
                } else {
                    code
                };
                let code = match code.split_once('\n') {
                    Some((first, rest)) if first.starts_with("// Generated from ONNX") => format!(
                        "// Generated from ONNX \"{}.onnx\" by burn-onnx 0.22.0 (tools/onnx-convert)\n{rest}",
                        path.file_stem().and_then(|s| s.to_str()).unwrap_or("?")
                    ),
                    _ => code,
                };
                let dest = src.join(file);
                std::fs::write(&dest, code).expect("write generated code");
                println!("wrote {}", dest.display());
                continue;
            }
            Some("bpk") => weights.join(file),
            _ => continue,
        };
        std::fs::copy(&path, &dest).expect("copy output");
        println!("wrote {}", dest.display());
    }
}

/// multistyle26's instance norms square with ONNX `Pow(x, 2.0)` (all 18 Pow nodes have the
/// exponent 2.0, checked with the `onnx` Python package); burn-onnx emits a broadcast
/// `powf` against the constant, which costs ~10 % of a pass on the CPU. `square()` gives
/// the same values (tests/style_transfer.rs compares with onnxruntime).
fn square_instead_of_pow(code: &str) -> String {
    const START: &str = ".powf((constant";
    const END: &str = "_out1).unsqueeze_dims(&[0isize, 1isize, 2isize]))";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find(START) {
        let after = &rest[at + START.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(END) {
            out.push_str(&rest[..at]);
            out.push_str(".square()");
            rest = &after[digits + END.len()..];
        } else {
            out.push_str(&rest[..at + START.len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
