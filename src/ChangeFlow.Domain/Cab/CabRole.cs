namespace ChangeFlow.Domain.Cab;

/// <summary>
/// Why someone sits on the CAB. The ITIL notes list IT operations, security, business stakeholders and the change
/// owner; the roles make it visible which perspective a vote brings.
/// </summary>
public enum CabRole
{
    /// <summary>Runs the meeting; usually the change manager.</summary>
    Chair = 1,

    /// <summary>Owns the change enablement practice.</summary>
    ChangeManager = 2,

    /// <summary>Runs the systems the change touches.</summary>
    ItOperations = 3,

    /// <summary>Looks at security exposure.</summary>
    Security = 4,

    /// <summary>Speaks for the users and the business process.</summary>
    BusinessStakeholder = 5,

    /// <summary>Owns the affected application or service.</summary>
    ApplicationOwner = 6,
}
