//! The import pipeline: inputs are loaded and parsed on every core, one batch
//! ahead of the single writer, which commits each batch in one transaction.
//! Memory stays flat however many inputs there are: at most three batches are in
//! flight (the one being written, one parsed and waiting, one being parsed), and
//! inputs are pulled from the iterator only as they are needed.

use std::sync::{Mutex, PoisonError};

use crate::{ImportItem, ItemResult, Result, Store};

/// Items committed in one transaction. Each commit rewrites the pages that the
/// batch's documents share (the tables' last pages, the search index's newest
/// segment, the counts): at 300,000 generated articles a commit of 1,024 rather
/// than 256 wrote 58 rather than 83 KB a document and imported 15 % faster
/// (`cargo xtask bench storage --docs 300000`, two runs of each, alternated).
/// Three batches at most are in memory at once (see the module's documentation).
pub const BATCH_SIZE: usize = 1024;

impl Store {
    /// Loads (`load` reads and parses one input; it runs on every core) and stores
    /// every input, reporting each committed batch's results in input order.
    pub async fn import_all<Inputs, Input, Load>(
        &self,
        run_id: Option<i64>,
        inputs: Inputs,
        load: Load,
        on_results: impl FnMut(Vec<ItemResult>),
    ) -> Result<()>
    where
        Inputs: IntoIterator<Item = Input>,
        Inputs::IntoIter: Send + 'static,
        Input: Send + 'static,
        Load: Fn(Input) -> ImportItem + Send + Sync + 'static,
    {
        let mut inputs = inputs.into_iter();
        let batches = std::iter::from_fn(move || {
            let batch: Vec<Input> = inputs.by_ref().take(BATCH_SIZE).collect();
            (!batch.is_empty()).then(|| load_in_parallel(batch, &load))
        });
        self.import_batches(run_id, batches, on_results).await
    }

    /// Stores every batch `batches` yields, each in one transaction, reporting each
    /// committed batch's results. The batches are made on a blocking thread, one
    /// batch ahead of the writer: a caller that loads inputs in its own way (fetching
    /// web addresses, streaming the lines of a large file) parses while the writer
    /// writes, and memory holds at most three batches. The writer stops at the first
    /// error, and no batch is made after it.
    pub async fn import_batches<Batches>(
        &self,
        run_id: Option<i64>,
        batches: Batches,
        mut on_results: impl FnMut(Vec<ItemResult>),
    ) -> Result<()>
    where
        Batches: Iterator<Item = Vec<ImportItem>> + Send + 'static,
    {
        let mut writer = self.writer().await?;
        let mut ahead = Ahead::start(batches);
        while let Some(items) = ahead.next().await {
            on_results(self.write_batch(&mut writer, run_id, items).await?);
        }
        ahead.finish().await;
        writer.finish().await
    }
}

/// Batches made on a blocking thread, one ahead of the task taking them.
/// Dropping it early (a consumer stopping on an error) stops the thread after
/// the batch it is making.
pub(crate) struct Ahead {
    receiver: tokio::sync::mpsc::Receiver<Vec<ImportItem>>,
    producer: tokio::task::JoinHandle<()>,
}

impl Ahead {
    pub(crate) fn start<Batches>(batches: Batches) -> Ahead
    where
        Batches: Iterator<Item = Vec<ImportItem>> + Send + 'static,
    {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<ImportItem>>(1);
        let producer = tokio::task::spawn_blocking(move || {
            for batch in batches {
                if sender.blocking_send(batch).is_err() {
                    break; // the consumer stopped on an error and reports it
                }
            }
        });
        Ahead { receiver, producer }
    }

    pub(crate) async fn next(&mut self) -> Option<Vec<ImportItem>> {
        self.receiver.recv().await
    }

    /// Waits for the thread to end, passing on its panic.
    pub(crate) async fn finish(self) {
        if let Err(error) = self.producer.await
            && error.is_panic()
        {
            std::panic::resume_unwind(error.into_panic());
        }
    }
}

/// Runs `load` over `inputs` on every core, keeping their order.
pub(crate) fn load_in_parallel<Input: Send, Output: Send, Load: Fn(Input) -> Output + Sync>(
    inputs: Vec<Input>,
    load: &Load,
) -> Vec<Output> {
    parallel_map(inputs, std::thread::available_parallelism().map_or(1, |count| count.get()), load)
}

/// Runs `load` over `inputs` on at most `workers` threads, keeping their order.
/// Each thread takes the next input as soon as it is done with one, so that a
/// few long articles in one part of a batch do not leave the other threads idle
/// while one finishes them.
pub fn parallel_map<Input: Send, Output: Send, Load: Fn(Input) -> Output + Sync>(
    inputs: Vec<Input>,
    workers: usize,
    load: &Load,
) -> Vec<Output> {
    let count = inputs.len();
    let workers = workers.clamp(1, count.max(1));
    if workers <= 1 {
        return inputs.into_iter().map(load).collect();
    }
    let queue = Mutex::new(inputs.into_iter().enumerate());
    let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).next();
    let mut outputs: Vec<Option<Output>> = std::iter::repeat_with(|| None).take(count).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    yield_to_the_writer();
                    let mut done = Vec::new();
                    while let Some((index, input)) = next() {
                        done.push((index, load(input)));
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            let done = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (index, output) in done {
                outputs[index] = Some(output);
            }
        }
    });
    outputs.into_iter().map(|output| output.expect("every input is loaded once")).collect()
}

/// How much lower than its caller's a parsing thread's priority is (a nice value
/// added; 19 is the lowest).
const PARSING_NICENESS: i32 = 10;

/// Lowers the calling thread's priority, so that the writer, whose pace is the
/// import's, takes a core whenever it can run. The parsing threads are one batch
/// ahead of it: on a machine with as many of them as cores, they took their share
/// of the writer's core as well, and the writer waited for its turn with all the
/// parsed documents it was to write in hand. Linux only, where a nice value is a
/// thread's; a priority that cannot be changed is left as it is.
fn yield_to_the_writer() {
    #[cfg(target_os = "linux")]
    if let Ok(nice) = rustix::process::getpriority_process(None) {
        let _ = rustix::process::setpriority_process(None, (nice + PARSING_NICENESS).min(19));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::parallel_map;

    /// While one thread is held up by a slow input, the other takes every input
    /// left, and the outputs still come in the inputs' order.
    #[test]
    fn a_slow_input_does_not_hold_up_the_ones_after_it() {
        let loaded = AtomicUsize::new(0);
        let outputs = parallel_map((0..64).collect(), 2, &|input: usize| {
            if input == 0 {
                let deadline = Instant::now() + Duration::from_secs(20);
                while loaded.load(Ordering::SeqCst) < 63 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
                return (input, loaded.load(Ordering::SeqCst));
            }
            loaded.fetch_add(1, Ordering::SeqCst);
            (input, 0)
        });
        let order: Vec<usize> = outputs.iter().map(|(input, _)| *input).collect();
        assert_eq!(order, (0..64).collect::<Vec<_>>());
        assert_eq!(outputs[0].1, 63, "the others were loaded while the first one was");
    }
}
