//! The import pipeline: inputs are loaded and parsed on every core, one batch
//! ahead of the single writer, which commits each batch in one transaction.
//! Memory stays flat however many inputs there are: at most two batches are in
//! flight, and inputs are pulled from the iterator only as they are needed.

use crate::{ImportItem, ItemResult, Result, Store};

/// Items committed in one transaction.
pub const BATCH_SIZE: usize = 256;

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
    /// writes, and memory holds at most two batches. The writer stops at the first
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
        Ok(())
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
pub fn parallel_map<Input: Send, Output: Send, Load: Fn(Input) -> Output + Sync>(
    inputs: Vec<Input>,
    workers: usize,
    load: &Load,
) -> Vec<Output> {
    let workers = workers.clamp(1, inputs.len().max(1));
    if workers <= 1 {
        return inputs.into_iter().map(load).collect();
    }
    let per_worker = inputs.len().div_ceil(workers);
    let mut parts: Vec<Vec<Input>> = Vec::with_capacity(workers);
    let mut inputs = inputs.into_iter().peekable();
    while inputs.peek().is_some() {
        parts.push(inputs.by_ref().take(per_worker).collect());
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(load).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}
