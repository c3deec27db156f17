namespace Qkd.Kms.Load;

/// <summary>Which HTTP client `qkd kms load` measures with.</summary>
public enum LoadClient
{
    /// <summary>
    /// The generator's own keep-alive HTTP/1.1 client (<c>LeanHttpClient</c>): no allocation and no thread hop per
    /// request, so the generator adds as little as it can to the latencies it measures.
    /// </summary>
    Lean,

    /// <summary>.NET's <see cref="System.Net.Http.HttpClient"/>, as an application would call the KME.</summary>
    HttpClient,
}
