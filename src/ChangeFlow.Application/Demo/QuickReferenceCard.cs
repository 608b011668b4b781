using System.Globalization;
using System.Text;

namespace ChangeFlow.Application.Demo;

/// <summary>
/// The lab managers' LIMS v4.0 quick reference card that the seed's communication plan attaches, as a one-page PDF
/// the demo puts in the attachments folder, so the briefing really carries it.
/// </summary>
public static class QuickReferenceCard
{
    private static readonly string[] Lines =
    [
        "LIMS v4.0 - quick reference card",
        string.Empty,
        "What changes on Monday",
        "- Sample reception: scan the barcode first, the form fills itself.",
        "- Test assignment: drag samples onto a run; batches keep their colour.",
        "- Result entry: Tab moves to the next result; Ctrl+S saves the batch.",
        "- Validation: the green tick validates, the clock icon sends back for review.",
        "- Reports: custom Quality templates are under Reports > Department.",
        string.Empty,
        "Help",
        "- 30-minute walkthrough, Monday 08:00, training room B.",
        "- Service desk: application support, priority P3 for questions.",
    ];

    /// <summary>The card as PDF bytes (PDF 1.4, one A4 page, Helvetica, ASCII text only).</summary>
    public static byte[] Pdf()
    {
        var text = new StringBuilder("BT /F1 12 Tf 56 780 Td 16 TL\n");
        foreach (var line in Lines)
        {
            text.Append('(').Append(line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal)).Append(") '\n");
        }

        text.Append("ET\n");
        var content = text.ToString();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Length {Encoding.ASCII.GetByteCount(content)} >>\nstream\n{content}endstream"),
        ];

        // The cross-reference table gives each object's byte offset, so the file is built as ASCII and counted as it goes.
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
