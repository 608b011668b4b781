using ChangeFlow.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// Answers a request that met a storage failure (disk full, I/O error, read-only or unreachable database; see
/// <see cref="StorageFailure"/>) with 503 and <c>Retry-After</c> instead of 500, and tells readiness about it.
/// </summary>
internal sealed partial class StorageUnavailableHandler : IExceptionHandler
{
    /// <summary>The <c>Retry-After</c> the answer carries: 30 s.</summary>
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageFailure.IsUnavailable(exception))
        {
            return false;
        }

        await WriteAsync(httpContext, exception);
        return true;
    }

    /// <summary>Records the failure for readiness and writes the 503 problem (also used where a handler cannot throw).</summary>
    public static async Task WriteAsync(HttpContext httpContext, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        services.GetRequiredService<StorageFailureMonitor>().Report(exception);
        LogUnavailable(
            services.GetRequiredService<ILogger<StorageUnavailableHandler>>(),
            httpContext.Request.Method,
            httpContext.Request.Path.Value ?? "",
            exception.GetBaseException().Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            Title = "Storage unavailable",
            Detail = "The database cannot take this request now (disk full, I/O error, read-only or unreachable storage). Retry later; /health/ready says when the node is ready again.",
        };
        var writer = services.GetRequiredService<IProblemDetailsService>();
        if (!await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem }))
        {
            await httpContext.Response.WriteAsJsonAsync(problem);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} answered 503: the storage failed ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}
