using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using RuleEngine.Records;

namespace RuleEngine.Nats;

/// <summary>
/// One durable consumer of one dataset (one partition of it, when the dataset is keyed) and the run that evaluates
/// its messages. The run's source reads messages as they are fetched; when the run has emitted every result of a
/// message (its progress report says so), the message is acknowledged — after the clues it produced are stored.
/// A keyed partition has at most one message out at a time (in order), and a worker that takes it over rebuilds the
/// window state by evaluating, without publishing, every message up to the consumer's acknowledged floor.
/// </summary>
internal sealed class ConsumerLoop : IProgress<RunProgress>
{
    private readonly INatsJSContext _js;
    private readonly RuleSet _rules;
    private readonly NatsTopology _topology;
    private readonly NatsTopology.DatasetPlan _plan;
    private readonly int? _partition;
    private readonly RunOptions _runOptions;
    private readonly ReferenceCache _references;
    private readonly WorkerCounters _counters;
    private readonly ClusterHealth _health;
    private readonly string _name;
    private readonly Queue<PendingMessage> _queue = new();
    private readonly Lock _gate = new();
    private readonly Channel<AckWork> _acks = Channel.CreateUnbounded<AckWork>(new UnboundedChannelOptions { SingleReader = true });
    private ClueForwarder? _forwarder;
    private INatsJSConsumer? _consumer;
    private long _entriesYielded;
    private bool _endIsReplay;
    private INatsJSMsg<byte[]>? _endMessage;
    private ulong _replayTo;
    private ulong _lastSequence;
    private IAsyncEnumerator<INatsJSMsg<byte[]>>? _replay;

    public ConsumerLoop(INatsJSContext js, RuleSet rules, NatsTopology topology, NatsTopology.DatasetPlan plan, int? partition, RunOptions runOptions, ReferenceCache references, WorkerCounters counters, ClusterHealth health)
    {
        _js = js;
        _rules = rules;
        _topology = topology;
        _plan = plan;
        _partition = partition;
        _runOptions = runOptions;
        _references = references;
        _counters = counters;
        _health = health;
        _name = topology.ConsumerName(plan.Name, partition);
    }

    private NatsOptions Options => _topology.Options;

    private string Subject => _partition is { } p ? _topology.RecordSubject(_plan.Name, p) : _topology.RecordFilter(_plan.Name);

    /// <summary>Whether the message being emitted is one replayed to rebuild state (its clues were published before).</summary>
    private bool Suppressed
    {
        get
        {
            lock (_gate)
            {
                return _queue.TryPeek(out PendingMessage? head) ? head.Message is null : _endIsReplay;
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _forwarder = new ClueForwarder(_js, _topology, _plan.Name, () => Suppressed, _counters, _health, stop.Token);
        var config = new ConsumerConfig(_name)
        {
            DurableName = _name,
            FilterSubject = Subject,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            AckWait = Options.AckWait,
            MaxAckPending = _plan.Keyed ? 1 : Options.MaxAckPending,
        };
        _consumer = await JetStreamRetry.RunAsync(async token => await _js.CreateOrUpdateConsumerAsync(_topology.RecordsStream, config, token).ConfigureAwait(false), Options, _health, "create consumer " + _name, stop.Token).ConfigureAwait(false);
        if (_plan.Keyed)
        {
            await JetStreamRetry.RunAsync(token => _consumer.RefreshAsync(token), Options, _health, "consumer info " + _name, stop.Token).ConfigureAwait(false);
            _replayTo = _consumer.Info.AckFloor.StreamSeq;
            if (_replayTo > 0)
            {
                Log.Replaying(_health.Logger, _name, (long)_consumer.Info.AckFloor.ConsumerSeq, _replayTo);
            }
        }

        Task acker = AcknowledgeAsync(stop.Token);
        Task<RunSummary>? run = null;
        try
        {
            RunOptions options = _runOptions with { Progress = this, DeadLetters = _forwarder, WindowOrder = WindowOrder.Arrival };
            while (true)
            {
                List<RecordSource> sources = [.. _plan.References.Select(r => RecordSource.FromBatches(_topology.Schemas[r], _references.ReplayAsync(r, stop.Token)))];
                sources.Add(RecordSource.FromBatches(_plan.Schema, NextLoadAsync(stop.Token)));
                run = _rules.RunAsync(sources, _forwarder, options, stop.Token);
                if (await Task.WhenAny(run, acker).ConfigureAwait(false) == acker)
                {
                    await acker.ConfigureAwait(false);
                }

                RunSummary summary = await run.ConfigureAwait(false);

                // The load ended: its windows were flushed; acknowledge its end marker once their clues are stored.
                var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                INatsJSMsg<byte[]>? end = _endMessage;
                _acks.Writer.TryWrite(new AckWork(_forwarder.TakePending(), end is { } message ? [message] : [], drained));
                await Task.WhenAny(drained.Task, acker).ConfigureAwait(false);
                if (acker.IsCompleted)
                {
                    await acker.ConfigureAwait(false);
                }

                long peak = summary.PeakWindowStatePerRule.Values.DefaultIfEmpty(0).Max();
                if (!_endIsReplay)
                {
                    _counters.LoadFinished(peak);
                    Log.LoadFinished(_health.Logger, _name, summary.RecordsRead, summary.RecordsRejected, summary.CluesEmitted, peak);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ConsumerFailed(_health.Logger, _name, e.GetType().Name);
            throw;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            _acks.Writer.TryComplete();
            try
            {
                await acker.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException || JetStreamRetry.IsTransient(e, CancellationToken.None))
            {
                // Unacknowledged messages are redelivered: nothing is lost by stopping here.
            }

            if (run is not null)
            {
                // A run cut short by a failed acknowledgement ends with the cancellation; its error is the acknowledger's.
                await run.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }

            if (_replay is not null)
            {
                await _replay.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Called by the run after each batch of results it emitted, with how many entries of the source it has consumed.</summary>
    public void Report(RunProgress value)
    {
        if (value.Dataset != _plan.Name || value.Position is null)
        {
            return;
        }

        long consumed = value.Position.SourceRecords;
        lock (_gate)
        {
            List<INatsJSMsg<byte[]>>? done = null;
            while (_queue.TryPeek(out PendingMessage? head) && head.End <= consumed)
            {
                _queue.Dequeue();
                _counters.Evaluated(head.Entries, replay: head.Message is null);
                if (head.Message is { } message)
                {
                    (done ??= []).Add(message);
                    done.AddRange(head.Redeliveries);
                }
            }

            Task[] clues = _forwarder!.TakePending();
            if (done is not null || clues.Length > 0)
            {
                _acks.Writer.TryWrite(new AckWork(clues, done ?? [], null));
            }
        }
    }

    /// <summary>
    /// A keyed message delivered again while its first delivery is still in this run (it took longer than AckWait): it
    /// must not reach the window state twice, and is acknowledged with the first delivery, after its clues are stored.
    /// </summary>
    private void Redelivered(INatsJSMsg<byte[]> message, ulong sequence)
    {
        lock (_gate)
        {
            if (_queue.FirstOrDefault(p => p.Sequence == sequence) is { } pending)
            {
                pending.Redeliveries.Add(message);
            }
            else
            {
                // The first delivery's results are out: its acknowledgement is queued; this one goes after it.
                _acks.Writer.TryWrite(new AckWork([], [message], null));
            }
        }
    }

    /// <summary>The payloads of one load: replayed messages first (after a restart), then live ones, up to the load's end marker (keyed) or for ever.</summary>
    private async IAsyncEnumerable<ReadOnlyMemory<byte>> NextLoadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _entriesYielded = 0;
        _endMessage = null;
        _endIsReplay = false;
        while (_replayTo > 0)
        {
            _replay ??= OpenReplay(cancellationToken);
            if (!await _replay.MoveNextAsync().ConfigureAwait(false))
            {
                break;
            }

            INatsJSMsg<byte[]> message = _replay.Current;
            ulong sequence = message.Metadata?.Sequence.Stream ?? 0;
            if (sequence > _replayTo)
            {
                // Past the acknowledged floor (the floor's message was deleted): the durable consumer delivers this one.
                await EndReplayAsync().ConfigureAwait(false);
                break;
            }

            _lastSequence = sequence;
            bool last = sequence == _replayTo;
            if (last)
            {
                await EndReplayAsync().ConfigureAwait(false);
            }

            if (NatsStreams.IsEnd(message.Headers))
            {
                _endIsReplay = true;
                yield break;
            }

            yield return Enqueue(message.Data, null, sequence);
        }

        while (true)
        {
            foreach (INatsJSMsg<byte[]> message in await FetchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_plan.Keyed)
                {
                        ulong sequence = message.Metadata?.Sequence.Stream ?? 0;
                    if (sequence <= _lastSequence)
                    {
                        Redelivered(message, sequence);
                        continue;
                    }

                    _lastSequence = sequence;
                }

                if (NatsStreams.IsEnd(message.Headers))
                {
                    if (_plan.Keyed)
                    {
                        _endMessage = message;
                        yield break;
                    }

                    // Without window state there is nothing to flush: the marker only needs acknowledging.
                    _acks.Writer.TryWrite(new AckWork([], [message], null));
                    continue;
                }

                yield return Enqueue(message.Data, message, message.Metadata?.Sequence.Stream ?? 0);
            }
        }
    }

    private ReadOnlyMemory<byte> Enqueue(byte[]? data, INatsJSMsg<byte[]>? message, ulong sequence)
    {
        ReadOnlyMemory<byte> payload = data ?? [];
        int entries = RecordBatch.EntryCount(payload.Span, _plan.Schema);
        _entriesYielded += entries;
        lock (_gate)
        {
            _queue.Enqueue(new PendingMessage(_entriesYielded, entries, message, sequence));
        }

        return payload;
    }

    private IAsyncEnumerator<INatsJSMsg<byte[]>> OpenReplay(CancellationToken cancellationToken) =>
        SubjectReader.ReadAsync(_js, _topology.RecordsStream, Subject, 1, Options, _health, wholeStream: false, cancellationToken).GetAsyncEnumerator(cancellationToken);

    private async ValueTask EndReplayAsync()
    {
        _replayTo = 0;
        if (_replay is not null)
        {
            await _replay.DisposeAsync().ConfigureAwait(false);
            _replay = null;
        }
    }

    private Task<List<INatsJSMsg<byte[]>>> FetchAsync(CancellationToken cancellationToken) =>
        JetStreamRetry.RunAsync(async token => await Fetch.BatchAsync(_consumer!, _plan.Keyed ? 1 : 16, token).ConfigureAwait(false), Options, _health, "fetch " + _name, cancellationToken);

    /// <summary>Acknowledges messages in the order their results were emitted, each after the clues before it are stored.</summary>
    private async Task AcknowledgeAsync(CancellationToken cancellationToken)
    {
        await foreach (AckWork work in _acks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await Task.WhenAll(work.Clues).ConfigureAwait(false);
            foreach (INatsJSMsg<byte[]> message in work.Messages)
            {
                await JetStreamRetry.RunAsync(token => message.AckAsync(cancellationToken: token), Options, _health, "ack " + _name, cancellationToken).ConfigureAwait(false);
                _counters.Acknowledged();
            }

            work.Done?.TrySetResult();
        }
    }

    /// <param name="End">The source's entry count once this message is consumed.</param>
    /// <param name="Entries">The message's entries.</param>
    /// <param name="Message">The live message; <see langword="null"/> for a replayed one (already acknowledged).</param>
    /// <param name="Sequence">The message's stream sequence.</param>
    private sealed record PendingMessage(long End, int Entries, INatsJSMsg<byte[]>? Message, ulong Sequence)
    {
        /// <summary>Gets later deliveries of the same message, acknowledged with it.</summary>
        public List<INatsJSMsg<byte[]>> Redeliveries { get; } = [];
    }

    private sealed record AckWork(Task[] Clues, IReadOnlyList<INatsJSMsg<byte[]>> Messages, TaskCompletionSource? Done);
}
