//! Model compression: post-training int8 quantization ([`quantize`]) and global magnitude
//! pruning with an optional masked fine-tune ([`prune`]); [`report`] saves each compressed
//! model, loads it back and measures size on disk, validation accuracy and latency.

pub mod prune;
pub mod quantize;
pub mod report;

use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;

/// Tracks where a module walk is, to tell convolution and linear weights (the tensors that
/// are quantized and pruned) from biases and normalisation parameters.
#[derive(Default)]
struct LayerPath {
    /// (field name, type of the struct holding it).
    stack: Vec<(String, String)>,
}

impl LayerPath {
    fn enter(&mut self, name: &str, container: &str) {
        self.stack.push((name.to_string(), container.to_string()));
    }

    fn exit(&mut self) {
        self.stack.pop();
    }

    /// Whether the current parameter is the `weight` of a `Conv2d` or a `Linear`.
    fn at_layer_weight(&self) -> bool {
        matches!(
            self.stack.last(),
            Some((name, container))
                if name == "weight"
                    && matches!(container.as_str(), "Struct:Conv2d" | "Struct:Linear")
        )
    }

    /// Dotted path of the current parameter ("fc1.weight").
    fn path(&self) -> String {
        let names: Vec<&str> = self.stack.iter().map(|(n, _)| n.as_str()).collect();
        names.join(".")
    }
}

/// The values of every conv/linear weight of `module` (quantized weights dequantized),
/// with their dotted paths, in module order.
pub fn layer_weights<M: Module>(module: &M) -> Vec<(String, Vec<f32>)> {
    struct Collect {
        at: LayerPath,
        weights: Vec<(String, Vec<f32>)>,
    }
    impl ModuleVisitor for Collect {
        fn enter_module(&mut self, name: &str, container_type: &str) {
            self.at.enter(name, container_type);
        }
        fn exit_module(&mut self, _name: &str, _container_type: &str) {
            self.at.exit();
        }
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if self.at.at_layer_weight() {
                let values = param
                    .val()
                    .dequantize()
                    .into_data()
                    .convert::<f32>()
                    .try_to_vec::<f32>()
                    .unwrap_or_default();
                self.weights.push((self.at.path(), values));
            }
        }
    }
    let mut collect = Collect {
        at: LayerPath::default(),
        weights: Vec::new(),
    };
    module.visit(&mut collect);
    collect.weights
}

/// Zero and total counts of the conv/linear weights of a module (quantized weights are
/// counted after dequantization).
pub fn sparsity<M: Module>(module: &M) -> (usize, usize) {
    layer_weights(module)
        .iter()
        .fold((0, 0), |(zeros, total), (_, values)| {
            (
                zeros + values.iter().filter(|v| **v == 0.0).count(),
                total + values.len(),
            )
        })
}

/// The fraction of conv/linear weights that are exactly zero.
pub fn sparsity_fraction<M: Module>(module: &M) -> f32 {
    let (zeros, total) = sparsity(module);
    if total == 0 {
        0.0
    } else {
        zeros as f32 / total as f32
    }
}

/// A [`ModuleMapper`] that rewrites only conv/linear weights, with their dotted path.
struct LayerWeights<F> {
    at: LayerPath,
    rewrite: F,
}

/// What [`LayerWeights`] calls for each conv/linear weight.
trait RewriteWeight {
    fn rewrite<const D: usize>(&mut self, path: &str, tensor: Tensor<D>) -> Tensor<D>;
}

impl<F: RewriteWeight> ModuleMapper for LayerWeights<F> {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        self.at.enter(name, container_type);
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.at.exit();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        if !self.at.at_layer_weight() {
            return param;
        }
        let path = self.at.path();
        param.map(|tensor| self.rewrite.rewrite(&path, tensor))
    }
}

/// Applies `rewrite` to every conv/linear weight of `module`.
fn rewrite_layer_weights<M: Module, F: RewriteWeight>(module: M, rewrite: F) -> (M, F) {
    let mut mapper = LayerWeights {
        at: LayerPath::default(),
        rewrite,
    };
    let module = module.map(&mut mapper);
    (module, mapper.rewrite)
}
