using System.Text.Json;
using ChangeFlow.Domain.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Reads a JSON request body so that malformed JSON, a wrong type or an unknown member is a 400 problem naming the
/// field (<c>roles[1]</c>), never a bare 400 or a 500; and maps <see cref="DomainError"/>s to problems.
/// </summary>
public static class JsonBody
{
    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer with.</summary>
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            return (null, Invalid(string.Empty, "The body must be JSON (Content-Type: application/json)."));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, request.HttpContext.RequestAborted);
            return value is null ? (null, Invalid(string.Empty, "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Invalid(ToFieldPath(ex.Path), ex.Message.Split(" Path:", 2)[0]));
        }
    }

    /// <summary>
    /// The answer for failed domain rules: an unknown subject is 404, a stale version or a refused state change 409,
    /// anything else 400 with the messages by field path and their codes in <c>codes</c>.
    /// </summary>
    public static IResult Problem(IReadOnlyList<DomainError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.FirstOrDefault(e => e.Code == ErrorCodes.Unknown && e.Path.Length == 0) is { } unknown)
        {
            return TypedResults.NotFound(new ProblemDetailsBody("Not found", unknown.Message, StatusCodes.Status404NotFound));
        }

        if (errors.FirstOrDefault(e => e.Code is ErrorCodes.Conflict or ErrorCodes.NotAllowed) is { } conflict)
        {
            return TypedResults.Problem(
                conflict.Message,
                statusCode: StatusCodes.Status409Conflict,
                title: "Conflict",
                type: "https://httpstatuses.io/409",
                extensions: new Dictionary<string, object?> { ["path"] = conflict.Path, ["code"] = conflict.Code });
        }

        return ApiResults.Invalid(errors);
    }

    private static ValidationProblem Invalid(string path, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [path] = [message] },
            title: "The request body is malformed.",
            extensions: new Dictionary<string, object?> { ["codes"] = new Dictionary<string, string[]> { [path] = [ErrorCodes.Invalid] } });

    // System.Text.Json reports "$.roles[1]" or "$['odd name']"; fields are named as in DomainError paths.
    private static string ToFieldPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? string.Empty : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}
