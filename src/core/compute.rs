//! Where a job's tensor work runs on the CPU.
//!
//! Burn's CPU backend (flex) splits each operation over rayon's threads. Called from an
//! ordinary thread, every one of the thousands of small operations of a training step is
//! handed to the pool and the caller sleeps until it comes back (`in_worker_cold`: a wake-up
//! and a lock per operation). [`run_on_pool`] runs the whole job on a worker of its own pool
//! instead, so each operation starts on a thread already in the pool and only the split-off
//! half travels.

/// Runs `work` on a worker thread of a fresh rayon pool with one thread per core (named
/// `visionlab-{name}-N`); runs it on the calling thread if the pool cannot be made.
pub fn run_on_pool<T: Send>(name: &str, work: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name({
            let name = name.to_string();
            move |i| format!("visionlab-{name}-{i}")
        })
        .build();
    match pool {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_a_pool_worker_and_returns_its_value() {
        let (inside, value) = run_on_pool("test", || (rayon::current_thread_index().is_some(), 42));
        assert!(inside);
        assert_eq!(value, 42);
    }
}
