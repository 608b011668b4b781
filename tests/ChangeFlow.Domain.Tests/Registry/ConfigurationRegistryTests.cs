using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Registry;

namespace ChangeFlow.Domain.Tests.Registry;

public sealed class ConfigurationRegistryTests
{
    [Fact]
    public void Create_HoldsTheSeedItems_WhenGivenTheDemoData()
    {
        var registry = DemoData.Registry();

        Assert.True(registry.HasConfigurationItem("lims-prod-01"));
        Assert.True(registry.HasConfigurationItem("lims-prod-02"));
        Assert.True(registry.HasConfigurationItem("lims-db-01"));
        Assert.True(registry.HasService("lims"));
        Assert.True(registry.HasService("surveillance-platform"));
    }

    [Fact]
    public void ServicesSupportedBy_ListsEachServiceOnce_WhenItemsShareServices() =>
        Assert.Equal(
            ["lims", "surveillance-platform"],
            DemoData.Registry().ServicesSupportedBy(["lims-prod-01", "lims-surveillance-bridge", "lims-db-01"]).Select(service => service.Id));

    [Fact]
    public void Create_ReportsEveryProblem_WhenIdsAreMalformedDuplicatedOrDangling()
    {
        var created = ConfigurationRegistry.Create(
            [new Service("lims", "LIMS"), new Service("lims", "LIMS again"), new Service("ERP", "")],
            [new ConfigurationItem("lims_prod_01", "LIMS", ConfigurationItemKind.ApplicationServer, ["lims", "hr"])]);

        Assert.Equal(
            [
                ("services[1].id", ErrorCodes.Duplicate),
                ("services[2].id", ErrorCodes.Invalid),
                ("services[2].name", ErrorCodes.Required),
                ("configurationItems[0].id", ErrorCodes.Invalid),
                ("configurationItems[0].supportedServiceIds[1]", ErrorCodes.Unknown),
            ],
            created.Errors.Select(error => (error.Path, error.Code)));
    }

    [Theory]
    [InlineData("lims-prod-01", true)]
    [InlineData("lims", true)]
    [InlineData("Lims-prod-01", false)]
    [InlineData("lims--prod", false)]
    [InlineData("-lims", false)]
    [InlineData("", false)]
    public void IsWellFormedId_AcceptsLowerCaseDashedIds_WhenChecked(string id, bool expected) =>
        Assert.Equal(expected, ConfigurationRegistry.IsWellFormedId(id));
}
