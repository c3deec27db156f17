namespace Qkd.Quantum.Qrng;

/// <summary>
/// The SP 800-90B repetition count and adaptive proportion tests as a running monitor: feed samples
/// as they arrive; <see cref="Result"/> summarises everything seen so far (cutoffs in <see cref="HealthTests"/>).
/// </summary>
public sealed class HealthMonitor
{
    private readonly double _minEntropy;
    private readonly int _rctCutoff;
    private readonly int _window;
    private readonly int _aptCutoff;
    private int _previous = -1;
    private int _run;
    private int _longestRun;
    private int _rctFailures;
    private int _windowFill;
    private int _windowValue;
    private int _windowCount;
    private int _maxWindowCount;
    private int _aptFailures;

    public HealthMonitor(double minEntropyBitsPerSample, int bitsPerSample)
    {
        Guard.InRange(bitsPerSample, 1, 8, "bits per sample");
        _minEntropy = minEntropyBitsPerSample;
        _rctCutoff = HealthTests.RepetitionCountCutoff(minEntropyBitsPerSample);
        _window = HealthTests.AdaptiveProportionWindow(bitsPerSample);
        _aptCutoff = HealthTests.AdaptiveProportionCutoff(minEntropyBitsPerSample, _window);
    }

    /// <summary>Runs both tests on the next samples.</summary>
    public void Feed(ReadOnlySpan<byte> samples)
    {
        foreach (var s in samples)
        {
            _run = s == _previous ? _run + 1 : 1;
            _previous = s;
            if (_run > _longestRun)
            {
                _longestRun = _run;
            }
            if (_run == _rctCutoff)
            {
                _rctFailures++;
            }
            if (_windowFill == 0)
            {
                _windowValue = s;
                _windowCount = 1;
            }
            else if (s == _windowValue)
            {
                _windowCount++;
            }
            _windowFill++;
            if (_windowFill == _window)
            {
                _maxWindowCount = Math.Max(_maxWindowCount, _windowCount);
                if (_windowCount >= _aptCutoff)
                {
                    _aptFailures++;
                }
                _windowFill = 0;
            }
        }
    }

    /// <summary>The tests' state so far.</summary>
    public HealthTestResult Result => new(_minEntropy, _rctCutoff, _rctFailures, _longestRun, _window, _aptCutoff, _aptFailures, _maxWindowCount);
}
