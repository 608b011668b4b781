using ChangeFlow.Application.Common;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Application.Changes.Catalog;

/// <summary>The catalogue a fresh installation starts with: the seed's case study plus what the ITIL notes name.</summary>
public static class CatalogDefaults
{
    /// <summary>The CAB of the RFC-2026-014 case study.</summary>
    public const string MainBoardId = "cab-main";

    /// <summary>The emergency CAB: decides fast, by first response.</summary>
    public const string EmergencyBoardId = "ecab";

    /// <summary>The standard-change workflow.</summary>
    public const string StandardWorkflow = "standard-change";

    /// <summary>The normal-change workflow.</summary>
    public const string NormalWorkflow = "normal-change";

    /// <summary>The distribution list of the LIMS's users.</summary>
    public const string LimsUsersList = "lims-users";

    /// <summary>The emergency-change workflow.</summary>
    public const string EmergencyWorkflow = "emergency-change";

    /// <summary>Every default document: (kind, id, document).</summary>
    public static IEnumerable<(string Kind, string Id, object Document)> Documents()
    {
        var board = DemoData.CabBoard();
        yield return (ReferenceKinds.CabBoard, MainBoardId, new CabBoardDocument
        {
            Id = MainBoardId,
            Name = board.Name,
            Members = [.. board.Members.Select(m => new CabMemberDocument { UserId = m.Person.Id, DisplayName = m.Person.DisplayName, Role = m.Role.ToString() })],
            Meeting = new CabMeetingDocument { Day = "Wednesday", LocalTime = "10:00", TimeZoneId = DemoData.TimeZoneId, Duration = "PT1H" },
            Quorum = new QuorumDocument { Policy = "Majority" },
            AgendaLeadTime = "P5D",
        });
        yield return (ReferenceKinds.CabBoard, EmergencyBoardId, new CabBoardDocument
        {
            Id = EmergencyBoardId,
            Name = "Emergency Change Advisory Board",
            Members =
            [
                new CabMemberDocument { UserId = "change-manager", DisplayName = "Change Manager", Role = "Chair" },
                new CabMemberDocument { UserId = "security-officer", DisplayName = "Information Security Officer", Role = "Security" },
                new CabMemberDocument { UserId = DemoData.ApplicationOwner.Id, DisplayName = DemoData.ApplicationOwner.DisplayName, Role = "ApplicationOwner" },
            ],
            Meeting = new CabMeetingDocument { Day = "Monday", LocalTime = "09:00", TimeZoneId = DemoData.TimeZoneId, Duration = "PT30M" },
            Quorum = new QuorumDocument { Policy = "FirstResponse" },
            AgendaLeadTime = "PT0S",
        });

        foreach (var service in DemoData.Services())
        {
            // The LIMS's users are a list of their own, which the people who run the labs keep up to date.
            yield return (ReferenceKinds.Service, service.Id, new ServiceDocument
            {
                Id = service.Id,
                Name = service.Name,
                DistributionLists = service.Id == "lims" ? [LimsUsersList] : null,
            });
        }

        // The audiences of the RFC-2026-014 communication plan; empty until someone adds the people.
        yield return (ReferenceKinds.DistributionList, LimsUsersList, new DistributionListDocument
        {
            Id = LimsUsersList,
            Name = "All LIMS users",
            Description = "Lab technicians and researchers of Virology, Bacteriology, Epidemiology and Quality who use the LIMS.",
            TimeZoneId = DemoData.TimeZoneId,
            Members = [],
        });
        yield return (ReferenceKinds.DistributionList, "lab-managers", new DistributionListDocument
        {
            Id = "lab-managers",
            Name = "Lab managers",
            Description = "The manager of each laboratory department; they brief their teams and validate changes on call.",
            TimeZoneId = DemoData.TimeZoneId,
            Members = [],
        });
        yield return (ReferenceKinds.DistributionList, "surveillance-team", new DistributionListDocument
        {
            Id = "surveillance-team",
            Name = "Surveillance team",
            Description = "The team running the syndromic surveillance platform, which reads LIMS results.",
            TimeZoneId = DemoData.TimeZoneId,
            Members = [],
        });

        yield return (ReferenceKinds.Service, "workstations", new ServiceDocument { Id = "workstations", Name = "Workstation support" });
        yield return (ReferenceKinds.Service, "user-accounts", new ServiceDocument { Id = "user-accounts", Name = "User account provisioning" });

        foreach (var item in DemoData.ConfigurationItems())
        {
            yield return (ReferenceKinds.ConfigurationItem, item.Id, new ConfigurationItemDocument
            {
                Id = item.Id,
                Name = item.Name,
                Kind = item.Kind.ToString(),
                ServiceIds = [.. item.SupportedServiceIds],
            });
        }

        yield return (ReferenceKinds.Blackout, "lab-opening", new BlackoutDocument
        {
            Id = "lab-opening",
            Name = "Monday 07:30 lab opening",
            ServiceIds = ["lims"],
            Weekly = new WeeklySlotDocument { Day = "Monday", LocalTime = "07:30", Duration = "PT1H30M", TimeZoneId = DemoData.TimeZoneId },
        });

        yield return (ReferenceKinds.StandardTemplate, "antivirus-update", new StandardTemplateDocument
        {
            Id = "antivirus-update",
            Name = "Antivirus signature and engine update",
            Description = "Roll the vendor's antivirus update out to workstations through the management console.",
            MaxRiskLevel = "Low",
            ServiceIds = ["workstations"],
        });
        yield return (ReferenceKinds.StandardTemplate, "account-creation", new StandardTemplateDocument
        {
            Id = "account-creation",
            Name = "User account creation",
            Description = "Create a directory, e-mail and VPN account for an approved new member of staff.",
            MaxRiskLevel = "Low",
            ServiceIds = ["user-accounts"],
        });

        yield return (ReferenceKinds.Routing, ChangeCatalog.RoutingId, new RoutingTableDocument
        {
            Rules =
            [
                new RoutingRuleDocument
                {
                    Id = "lims-major",
                    Description = "Major LIMS changes go to the main CAB.",
                    Types = ["Normal"],
                    Categories = ["Major"],
                    ServiceIds = ["lims"],
                    Workflow = NormalWorkflow,
                    CabBoard = MainBoardId,
                },
            ],
            Defaults = new Dictionary<string, RoutingTargetDocument>
            {
                ["Standard"] = new() { Workflow = StandardWorkflow },
                ["Normal"] = new() { Workflow = NormalWorkflow, CabBoard = MainBoardId },
                ["Emergency"] = new() { Workflow = EmergencyWorkflow, CabBoard = EmergencyBoardId },
            },
        });
    }
}
