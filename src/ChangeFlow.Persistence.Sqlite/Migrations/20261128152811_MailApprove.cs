using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChangeFlow.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MailApprove : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "mail_link_keys",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Secret = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_link_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "mail_link_redemptions",
                columns: table => new
                {
                    TokenId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TaskId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AttemptId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RedeemedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_link_redemptions", x => x.TokenId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_mail_link_redemptions_TaskId",
                table: "mail_link_redemptions",
                column: "TaskId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mail_link_keys");

            migrationBuilder.DropTable(
                name: "mail_link_redemptions");
        }
    }
}
