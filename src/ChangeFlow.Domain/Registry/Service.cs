namespace ChangeFlow.Domain.Registry;

/// <summary>
/// A service users consume (e.g. the LIMS, the syndromic surveillance platform). Changes and incidents point to
/// services by <see cref="Id"/> so that impact is stated in the terms users and SLAs use.
/// </summary>
/// <param name="Id">A stable, lower-case, dash-separated id, e.g. <c>lims</c>.</param>
/// <param name="Name">What people call it.</param>
public sealed record Service(string Id, string Name);
