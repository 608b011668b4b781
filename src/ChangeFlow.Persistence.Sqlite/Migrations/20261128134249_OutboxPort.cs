using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChangeFlow.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OutboxPort : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_Status_CreatedAt",
                table: "outbox_messages");

            migrationBuilder.AddColumn<DateTime>(
                name: "NextAttemptAt",
                table: "outbox_messages",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "outbox_messages",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClaimedUntil",
                table: "outbox_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CorrelationKey",
                table: "outbox_messages",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Headers",
                table: "outbox_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HtmlBody",
                table: "outbox_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "outbox_messages",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "outbox_messages",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageId",
                table: "outbox_messages",
                type: "TEXT",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "NotBefore",
                table: "outbox_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TextBody",
                table: "outbox_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "outbox_attachments",
                columns: table => new
                {
                    MessageRowId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_attachments", x => new { x.MessageRowId, x.Ordinal });
                    table.ForeignKey(
                        name: "FK_outbox_attachments_outbox_messages_MessageRowId",
                        column: x => x.MessageRowId,
                        principalTable: "outbox_messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_CorrelationKey_Status",
                table: "outbox_messages",
                columns: new[] { "CorrelationKey", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_CreatedAt",
                table: "outbox_messages",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_IdempotencyKey",
                table: "outbox_messages",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_Status_NextAttemptAt",
                table: "outbox_messages",
                columns: new[] { "Status", "NextAttemptAt" });

            // Messages queued before this version keep their body and become due at once with a Message-ID of their own.
            migrationBuilder.Sql("UPDATE outbox_messages SET \"TextBody\" = \"Body\", \"NextAttemptAt\" = \"CreatedAt\", \"MessageId\" = \"Id\" || '@changeflow.local'");

            migrationBuilder.DropColumn(
                name: "Body",
                table: "outbox_messages");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "outbox_attachments");

            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_CorrelationKey_Status",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_CreatedAt",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_IdempotencyKey",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_Status_NextAttemptAt",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "CorrelationKey",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "Headers",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "HtmlBody",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "MessageId",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "NotBefore",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "TextBody",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "outbox_messages");

            migrationBuilder.AddColumn<string>(
                name: "Body",
                table: "outbox_messages",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_Status_CreatedAt",
                table: "outbox_messages",
                columns: new[] { "Status", "CreatedAt" });
        }
    }
}
