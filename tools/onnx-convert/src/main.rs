//! Runs burn-onnx's `ModelGen` on the ONNX graphs the project brings in and writes the
//! generated Rust into the source tree (the style networks into `src/style/generated/`,
//! BlazeFace into `src/tasks/detect/faces/generated/`) and the weights (`.bpk`, read at run
//! time from the assets folder and handed to the model: `LoadStrategy::Bytes`) into
//! `assets/weights/`.
//!
//! usage (from the repository root):
//! `CARGO_TARGET_DIR=$HOME/.cache/onnx-convert-target cargo run \
//!    --manifest-path tools/onnx-convert/Cargo.toml -- ONNX_DIR [NAME…]`
//! where ONNX_DIR holds the `<NAME>.onnx` files (multistyle26, arbitrary_predict_f32,
//! arbitrary_transform_f32, face_detection_short_range); with NAMEs only those are converted;
//! then `cargo fmt` in the repository. The `.bpk` files differ byte-wise from run to run
//! (parameter ids) but load the same.

use burn_onnx::{LoadStrategy, ModelGen};
use std::path::{Path, PathBuf};

/// Each graph and the folder its generated code goes to.
const MODELS: [(&str, &str); 4] = [
    ("multistyle26", "src/style/generated"),
    ("arbitrary_predict_f32", "src/style/generated"),
    ("arbitrary_transform_f32", "src/style/generated"),
    (
        "face_detection_short_range",
        "src/tasks/detect/faces/generated",
    ),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let onnx_dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("assets/weights"));
    let only: Vec<String> = args.collect();
    if let Some(unknown) = only.iter().find(|n| !MODELS.iter().any(|(m, _)| m == n)) {
        eprintln!("unknown model {unknown}");
        std::process::exit(1);
    }
    for (name, code_dir) in MODELS {
        if !only.is_empty() && !only.iter().any(|n| n == name) {
            continue;
        }
        let input = onnx_dir.join(format!("{name}.onnx"));
        if !input.is_file() {
            eprintln!("missing {}", input.display());
            std::process::exit(1);
        }
        let scratch = PathBuf::from("target/onnx-convert").join(name);
        std::fs::create_dir_all(&scratch).expect("create scratch dir");
        ModelGen::new()
            .input(input.to_str().expect("utf-8 path"))
            .out_dir(scratch.to_str().expect("utf-8 path"))
            .development(false)
            .load_strategy(LoadStrategy::Bytes)
            .run_from_cli();
        println!("converted {name}");
        install(&scratch, Path::new(code_dir));
    }
}

/// Moves `*.rs` into `src` and `*.bpk` into assets/weights.
fn install(scratch: &Path, src: &Path) {
    let weights = Path::new("assets/weights");
    std::fs::create_dir_all(src).expect("create the code folder");
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
                let code = convs_through_our_kernel(&code);
                let code = reflect_pads_through_our_kernel(&code);
                let code = if file == "multistyle26.rs" {
                    let (code, fused) = fuse_instance_norms(&square_instead_of_pow(&code));
                    println!("fused {fused} instance norms");
                    if fused != INSTANCE_NORMS {
                        eprintln!("expected {INSTANCE_NORMS} instance norms in multistyle26");
                        std::process::exit(1);
                    }
                    code
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

/// `self.conv2dN.forward(x)` → `crate::kernels::conv2d_layer(&self.conv2dN, x)`: the same
/// convolution, run by visionlab's CPU kernel on the Flex device (burn's op elsewhere).
fn convs_through_our_kernel(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("self.conv2d") {
        let name_len = rest[at + 5..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len() - at - 5);
        let name = &rest[at + 5..at + 5 + name_len];
        let after = &rest[at + 5 + name_len..];
        out.push_str(&rest[..at]);
        if let Some(tail) = after.strip_prefix(".forward(") {
            out.push_str(&format!("crate::kernels::conv2d_layer(&self.{name}, "));
            rest = tail;
        } else {
            out.push_str(&rest[at..at + 5 + name_len]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `x.pad({..}, burn::tensor::ops::PadMode::Reflect)` →
/// `crate::kernels::reflect_pad(x, {..})`: the same padding in one pass on the Flex device
/// (burn's op elsewhere), about a third of multistyle26's time otherwise.
fn reflect_pads_through_our_kernel(code: &str) -> String {
    const REFLECT: &str = "burn::tensor::ops::PadMode::Reflect,";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(mode_at) = rest.find(REFLECT) {
        // The call this argument closes: `<receiver>.pad(` after the ` = ` of its line.
        let pad_at = rest[..mode_at].rfind(".pad(");
        let line_at = pad_at.map(|at| rest[..at].rfind('\n').map_or(0, |l| l + 1));
        let eq_at = match (pad_at, line_at) {
            (Some(pad), Some(line)) => rest[line..pad].find(" = ").map(|e| line + e + 3),
            _ => None,
        };
        let close_at = rest[mode_at + REFLECT.len()..]
            .find(')')
            .map(|c| mode_at + REFLECT.len() + c);
        let (Some(pad_at), Some(eq_at), Some(close_at)) = (pad_at, eq_at, close_at) else {
            out.push_str(&rest[..mode_at + REFLECT.len()]);
            rest = &rest[mode_at + REFLECT.len()..];
            continue;
        };
        let receiver = &rest[eq_at..pad_at];
        // The padding argument, without the `,` and line break before the mode.
        let argument = rest[pad_at + ".pad(".len()..mode_at].trim_end();
        let argument = argument.strip_suffix(',').unwrap_or(argument);
        out.push_str(&rest[..eq_at]);
        out.push_str(&format!("crate::kernels::reflect_pad({receiver}, {argument})"));
        rest = &rest[close_at + 1..];
    }
    out.push_str(rest);
    out
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

/// multistyle26 has 18 conditional instance norms (one per Conv).
const INSTANCE_NORMS: usize = 18;

/// The statements burn-onnx generates for one of multistyle26's conditional instance norms
/// (after [`square_instead_of_pow`]), whitespace removed; `$name` binds an identifier.
const NORM_CHAIN: [&str; 13] = [
    "let$m1={$x.clone().mean_dim(2usize).mean_dim(3usize)}",
    "let$s=$x.sub($m1)",
    "let$c2=self.$c2f.val()",
    "let$p=$s.clone().square()",
    "let$m2={$p.mean_dim(2usize).mean_dim(3usize)}",
    "let$e=self.$ef.val()",
    "let$a=$m2.add(($e).unsqueeze_dims(&[0isize,1isize,2isize]))",
    "let$q=$a.sqrt()",
    "let$n=self.$nf.val()",
    "let$d=($n).unsqueeze_dims(&[0isize,1isize,2isize]).div($q)",
    "let$u=$s.mul($d)",
    "let$v=$u.mul($scale)",
    "let$y=$v.add($shift)",
];

/// The ReLU that follows most norms.
const RELU: &str = "let$r=burn::tensor::activation::relu($y)";

/// Puts one call to `crate::style::instance_norm::conditional_instance_norm` (a fused loop on
/// the CPU) in place of each instance-norm chain, taking the following ReLU in when the
/// norm's output has no other use. Returns the code and the number of chains replaced.
fn fuse_instance_norms(code: &str) -> (String, usize) {
    // Statements end at `;`; a fragment may also hold the end of a block before it, which
    // never matches a template.
    let fragments: Vec<&str> = code.split_inclusive(';').collect();
    let squashed: Vec<String> = fragments
        .iter()
        .map(|f| {
            f.trim_end_matches(';')
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect();
    let mut out = String::with_capacity(code.len());
    let mut fused = 0;
    let mut i = 0;
    while i < fragments.len() {
        let mut names = std::collections::HashMap::new();
        let chain_matches = i + NORM_CHAIN.len() <= fragments.len()
            && NORM_CHAIN
                .iter()
                .zip(&squashed[i..])
                .all(|(template, text)| bind(template, text, &mut names));
        if !chain_matches {
            out.push_str(fragments[i]);
            i += 1;
            continue;
        }
        let mut end = i + NORM_CHAIN.len();
        let y = names["y"].clone();
        let mut target = y.clone();
        let mut relu = false;
        if let Some(next) = squashed.get(end) {
            let mut with_relu = names.clone();
            // The ReLU can be fused when it is the norm output's only other mention.
            if bind(RELU, next, &mut with_relu) && mentions(code, &y) == 2 {
                target = with_relu["r"].clone();
                relu = true;
                end += 1;
            }
        }
        // Keep the whitespace before the first statement so the layout stays.
        let first = fragments[i];
        let indent_len = first.len() - first.trim_start().len();
        out.push_str(&first[..indent_len]);
        out.push_str(&format!(
            "let {target} = crate::style::instance_norm::conditional_instance_norm({x}, self.{ef}.val(), self.{nf}.val(), {scale}, {shift}, {relu});",
            x = names["x"],
            ef = names["ef"],
            nf = names["nf"],
            scale = names["scale"],
            shift = names["shift"],
        ));
        fused += 1;
        i = end;
    }
    (out, fused)
}

/// Matches `text` against `template`, binding each `$name` to an identifier; a name bound
/// before must match the same identifier again.
fn bind(
    template: &str,
    text: &str,
    names: &mut std::collections::HashMap<String, String>,
) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let (mut t, mut s) = (template, text);
    while !t.is_empty() {
        if let Some(rest) = t.strip_prefix('$') {
            let name_len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
            let name = &rest[..name_len];
            let value_len = s.find(|c: char| !is_ident(c)).unwrap_or(s.len());
            if value_len == 0 {
                return false;
            }
            let value = &s[..value_len];
            match names.get(name) {
                Some(bound) if bound != value => return false,
                Some(_) => {}
                None => {
                    names.insert(name.to_string(), value.to_string());
                }
            }
            t = &rest[name_len..];
            s = &s[value_len..];
        } else {
            let Some(c) = t.chars().next() else { break };
            if !s.starts_with(c) {
                return false;
            }
            t = &t[c.len_utf8()..];
            s = &s[c.len_utf8()..];
        }
    }
    s.is_empty()
}

/// How many times the identifier `name` occurs in `code` as a whole word.
fn mentions(code: &str, name: &str) -> usize {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    code.match_indices(name)
        .filter(|(at, _)| {
            let before = code[..*at].chars().next_back();
            let after = code[at + name.len()..].chars().next();
            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
        })
        .count()
}
