using Microsoft.Data.Sqlite;

namespace Qkd.Kms.Storage;

// The WAL checkpointer of the SQLite store: off the request path, restart and truncation of the log.
public sealed partial class SqliteKeyStore
{
    /// <summary>
    /// Copies the WAL into the database file off the request path. SQLite's automatic checkpoint runs
    /// inside the committing writer (holding the write gate) and, with synchronous=NORMAL, is the one
    /// step that fsyncs: every 1,000 WAL pages it stalled all key requests (docs/kms.md "Measured").
    /// A PASSIVE checkpoint on its own connection never blocks the writer; committed transactions are
    /// durable in the WAL either way (a kill -9 replays it on the next open).
    /// </summary>
    private async Task CheckpointLoopAsync(CancellationToken token)
    {
        await Task.Yield();
        try
        {
            await using var c = await OpenAsync(token);
            using var timer = new PeriodicTimer(CheckpointPeriod);
            var writesSeen = Interlocked.Read(ref _commits);
            while (await timer.WaitForNextTickAsync(token))
            {
                var (frames, _) = await CheckpointAsync(c, token);
                var writes = Interlocked.Read(ref _commits);
                if (frames > 0 && writes == writesSeen)
                {
                    // A batch of deliveries has ended (no commit for a period): the WAL still holds the pages as they were
                    // before the material was wiped. Truncate it to zero bytes so that no wiped key survives in it.
                    await TruncateWalAsync(c, token);
                }
                writesSeen = writes;
                if (frames > RestartFrames)
                {
                    // Under a steady stream of commits a checkpoint never catches up with the last frame, and SQLite
                    // restarts the WAL only when a write begins on a fully checkpointed log: the file grew without
                    // bound (1.2 GB in 50 s at 1,000 req/s, and p99 grew with it). Copy the few frames left with the
                    // writer held; its next transaction then starts the log from the beginning. First catch up without
                    // it, so that the writer waits for the frames of the last few milliseconds only, not of the last
                    // period (a restart held it ~2.8 ms: docs/kms.md "Measured", tenth round).
                    for (var round = 0; round < CatchUpRounds; round++)
                    {
                        var (log, copied) = await CheckpointAsync(c, token);
                        if (log - copied <= CatchUpFrames)
                        {
                            break;
                        }
                    }
                    await _writeGate.WaitAsync(token);
                    try
                    {
                        // PASSIVE, not TRUNCATE: with the writer held the copy completes either way and the next write
                        // restarts the log; truncating the file here (an ftruncate and an fsync inside the writer gate at
                        // 1,000 req/s) put the KME's p99 from 4 to 16 ms. The idle-batch truncation above and the clean
                        // stop still leave no WAL bytes behind.
                        await CheckpointAsync(c, token);
                    }
                    finally
                    {
                        _writeGate.Release();
                    }
                    Interlocked.Increment(ref _walRestarts);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>WAL frames above which the checkpointer lets the log restart (4 KiB pages: 32 MiB).</summary>
    internal const int RestartFrames = 8192;

    /// <summary>Before a restart takes the writer: at most this many passive checkpoints, until at most <see cref="CatchUpFrames"/> frames are left to copy.</summary>
    private const int CatchUpRounds = 3;

    private const int CatchUpFrames = 32;

    private long _walRestarts;

    /// <summary>Times the checkpointer held the writer for a moment so that the WAL could start over (tests).</summary>
    internal long WalRestarts => Interlocked.Read(ref _walRestarts);

    private long _commits;
    private long _walTruncations;

    /// <summary>Times the WAL was truncated to zero bytes after a batch of writes (tests).</summary>
    internal long WalTruncations => Interlocked.Read(ref _walTruncations);

    /// <summary>With the writer held: copy every frame into the database and truncate the WAL file to zero bytes.</summary>
    private async Task TruncateWalAsync(SqliteConnection c, CancellationToken token)
    {
        await _writeGate.WaitAsync(token);
        try
        {
            await CheckpointAsync(c, token, "TRUNCATE");
            Interlocked.Increment(ref _walTruncations);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>A checkpoint (PASSIVE unless named); returns the frames in the WAL and how many of them are now in the database file.</summary>
    private static async Task<(long Log, long Copied)> CheckpointAsync(SqliteConnection c, CancellationToken token, string mode = "PASSIVE")
    {
        await using var cmd = new SqliteCommand($"PRAGMA wal_checkpoint({mode});", c);
        await using var r = await cmd.ExecuteReaderAsync(token);
        return await r.ReadAsync(token) ? (r.GetInt64(1), r.GetInt64(2)) : (0, 0);
    }
}
