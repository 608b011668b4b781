using ChangeFlow.Application.Common;
using ChangeFlow.Domain.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChangeFlow.Web.Api;

/// <summary>Turns command results and domain errors into HTTP answers: ProblemDetails with field paths.</summary>
public static class ApiResults
{
    /// <summary>A 400 problem for one field.</summary>
    public static IResult Invalid(string path, string code, string message) => Invalid([new DomainError(path, code, message)]);

    /// <summary>A 400 problem listing messages by field path (<c>errors</c>) and their codes (<c>codes</c>).</summary>
    public static IResult Invalid(IReadOnlyList<DomainError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "The request is not valid.",
            extensions: new Dictionary<string, object?>
            {
                ["codes"] = errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Code).Distinct().ToArray()),
            });
    }

    /// <summary>The answer for a command: 200 (or <paramref name="onOk"/>), 400, 403, 404 or 409 with a problem body.</summary>
    public static IResult From<T>(CommandResult<T> result, Func<T, IResult> onOk)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(onOk);
        return result.Status switch
        {
            CommandStatus.Ok => onOk(result.Value!),
            CommandStatus.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", result),
            CommandStatus.Forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", result),
            CommandStatus.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", result),
            _ => Invalid(result.Errors),
        };
    }

    /// <summary>Answers with <paramref name="inner"/> and an ETag of the record's version (<c>"3"</c>), as If-Match takes it back.</summary>
    public static WithHeaders WithVersion(IResult inner, long version) =>
        new(inner, ("ETag", $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\""));

    private static ProblemHttpResult Problem<T>(int status, string title, CommandResult<T> result) =>
        TypedResults.Problem(
            result.Message,
            statusCode: status,
            title: title,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = result.Errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                ["codes"] = result.Errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Code).Distinct().ToArray()),
            });

    /// <summary>A result with extra response headers.</summary>
    public sealed class WithHeaders(IResult inner, params (string Name, string Value)[] headers) : IResult
    {
        /// <inheritdoc />
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            foreach (var (name, value) in headers)
            {
                httpContext.Response.Headers[name] = value;
            }

            return inner.ExecuteAsync(httpContext);
        }
    }
}
