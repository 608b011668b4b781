using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// How failures reach the caller: always an RFC 9457 ProblemDetails, never a stack trace. A request the server refuses
/// while reading it (a body over Kestrel's <c>MaxRequestBodySize</c>, 30,000,000 bytes by default; a malformed or
/// too slow body) answers with the status the server chose (413, 400, 408) rather than 500, on every endpoint,
/// anonymous sign-in included.
/// </summary>
public static partial class ErrorResponses
{
    /// <summary>Registers ProblemDetails and the handler for requests the server refused while reading them.</summary>
    public static IServiceCollection AddChangeFlowErrorResponses(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<RefusedRequestHandler>();
        return services;
    }

    /// <summary>Answers <paramref name="status"/> with a problem body (the content type the caller accepts, JSON by default).</summary>
    public static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://httpstatuses.io/{status.ToString(CultureInfo.InvariantCulture)}",
        };
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
        }
    }

    /// <summary>
    /// <see cref="BadHttpRequestException"/> is the server refusing the request (its status says why), not a bug:
    /// answered with that status and a plain explanation, and not logged as an unhandled exception.
    /// </summary>
    private sealed partial class RefusedRequestHandler(ILogger<RefusedRequestHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException refused || httpContext.Response.HasStarted)
            {
                return false;
            }

            LogRefused(logger, httpContext.Request.Method, httpContext.Request.Path, refused.StatusCode, refused.Message);
            var (title, detail) = refused.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => (
                    "Request body too large",
                    httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
                        ? $"The request body is larger than the {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes this service accepts."
                        : "The request body is larger than this service accepts."),
                StatusCodes.Status408RequestTimeout => ("Request timeout", "The request body arrived too slowly."),
                _ => ("Bad request", "The request could not be read."),
            };
            await WriteProblemAsync(httpContext, refused.StatusCode, title, detail);
            return true;
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Path} with {Status}: {Reason}")]
        private static partial void LogRefused(ILogger logger, string method, PathString path, int status, string reason);
    }
}
