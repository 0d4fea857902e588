"""The Jupyter conformance suite (jupyter_kernel_test) over the BeeMind kernel, every sample filled in."""
import jupyter_kernel_test

from kernel_harness import KERNEL_NAME


class BeeMindKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const zebraCount = 1;\nzebraC", "matches": {"zebraCount"}},
        {"text": "[1, 2].fla", "matches": {"flat", "flatMap"}},
    ]

    complete_code_samples = ["1 + 1", "const x = 1;", "function f() { return 1; }", "// just a comment"]
    incomplete_code_samples = ["function f() {", "const xs = [1,", "if (true) {", "`unterminated template"]
    invalid_code_samples = ["1 + 1)", "}", "const const = 1;", "'unterminated string"]

    code_page_something = 'kernel.page("BeeMind help")'

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2].map((x) => x * 2)", "result": "[ 2, 4 ]"},
    ]

    code_display_data = [
        {"code": 'display(display.html("<b>bold</b>"))', "mime": "text/html"},
        {"code": 'display(display.markdown("# Title"))', "mime": "text/markdown"},
        {
            "code": 'display({ $schema: "https://vega.github.io/schema/vega-lite/v6.json", mark: "point", '
            'data: { values: [{ a: 1 }] }, encoding: { x: { field: "a", type: "quantitative" } } })',
            "mime": "application/vnd.vegalite.v5+json",
        },
    ]

    code_history_pattern = "6 [*] 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput()"
