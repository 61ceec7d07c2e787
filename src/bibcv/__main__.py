from bibcv.cli import main

main()
