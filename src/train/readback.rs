//! Reading a step's numbers back from the device: every tensor a step needs on this side
//! (its loss, its logits) in one [`Transaction`], so a remote device answers them in one
//! round trip instead of one per tensor; a read that fails names the remote server it was
//! lost with.

use burn::prelude::*;
use burn::tensor::{TensorData, Transaction};

use crate::core::remote_device::lost_server_message;

/// The values of a scalar loss `[1]` and of `tensor`, read in one go, as `f32`.
pub fn loss_and<const D: usize>(
    loss: Tensor<1>,
    tensor: Tensor<D>,
) -> anyhow::Result<(f32, Vec<f32>)> {
    let [loss, values] = execute(Transaction::default().register(loss).register(tensor))?;
    Ok((scalar(loss)?, floats(values)?))
}

/// The value of a scalar loss `[1]` and the integers of `tensor` (class indices), read in
/// one go.
pub fn loss_and_ints<const D: usize>(
    loss: Tensor<1>,
    tensor: Tensor<D, Int>,
) -> anyhow::Result<(f32, Vec<i64>)> {
    let [loss, values] = execute(Transaction::default().register(loss).register(tensor))?;
    let values = values
        .try_into_vec_as::<i64>()
        .map_err(|e| anyhow::anyhow!("reading a step: {e:?}"))?;
    Ok((scalar(loss)?, values))
}

/// The two tensors a transaction registered, read.
fn execute(transaction: Transaction) -> anyhow::Result<[TensorData; 2]> {
    transaction
        .try_execute()
        .map_err(|e| failed(&format!("{e:?}")))?
        .try_into()
        .map_err(|_| {
            anyhow::anyhow!("reading a step: the device answered another number of tensors")
        })
}

fn scalar(data: TensorData) -> anyhow::Result<f32> {
    floats(data)?
        .first()
        .copied()
        .ok_or_else(|| anyhow::anyhow!("reading a step: the loss is empty"))
}

fn floats(data: TensorData) -> anyhow::Result<Vec<f32>> {
    data.try_into_vec_as::<f32>()
        .map_err(|e| anyhow::anyhow!("reading a step: {e:?}"))
}

/// A failed read, naming the remote server when the run is on one.
fn failed(reason: &str) -> anyhow::Error {
    anyhow::anyhow!(
        lost_server_message(reason).unwrap_or_else(|| format!("reading a step failed: {reason}"))
    )
}
