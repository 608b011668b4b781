using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChangeFlow.Persistence.PostgreSql.Migrations
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
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Secret = table.Column<byte[]>(type: "bytea", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_link_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "mail_link_redemptions",
                columns: table => new
                {
                    TokenId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TaskId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AttemptId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RedeemedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
