{
  "targets": [
    {
      "target_name": "espalier_gemm",
      "sources": ["addon.cc", "src/gemm.cc", "src/micro-x86.cc", "src/micro-neon.cc", "src/softmax.cc", "optim-napi.cc", "src/adamw.cc", "ops-addon.cc", "src/attention.cc", "src/norms.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-pthread"],
      "cflags_cc!": ["-fno-rtti"],
      "ldflags": ["-pthread"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
