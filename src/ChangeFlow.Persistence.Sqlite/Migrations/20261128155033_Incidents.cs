using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChangeFlow.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Incidents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    Number = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IsOpen = table.Column<bool>(type: "INTEGER", nullable: false),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    ServiceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AssignmentGroup = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AssigneeId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ReporterId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ProblemNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    CausedByChange = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    OpenAlertKey = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    OpenedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    WorkflowInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incidents", x => x.Number);
                });

            migrationBuilder.CreateTable(
                name: "problems",
                columns: table => new
                {
                    Number = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ServiceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_problems", x => x.Number);
                });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_AssigneeId",
                table: "incidents",
                column: "AssigneeId");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_AssignmentGroup",
                table: "incidents",
                column: "AssignmentGroup");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_CausedByChange",
                table: "incidents",
                column: "CausedByChange");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_IsOpen_Priority",
                table: "incidents",
                columns: new[] { "IsOpen", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_OpenAlertKey",
                table: "incidents",
                column: "OpenAlertKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_incidents_OpenedAt",
                table: "incidents",
                column: "OpenedAt");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_ProblemNumber",
                table: "incidents",
                column: "ProblemNumber");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_ServiceId",
                table: "incidents",
                column: "ServiceId");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_State",
                table: "incidents",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Year_Sequence",
                table: "incidents",
                columns: new[] { "Year", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_problems_ServiceId",
                table: "problems",
                column: "ServiceId");

            migrationBuilder.CreateIndex(
                name: "IX_problems_State",
                table: "problems",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_problems_Year_Sequence",
                table: "problems",
                columns: new[] { "Year", "Sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "incidents");

            migrationBuilder.DropTable(
                name: "problems");
        }
    }
}
