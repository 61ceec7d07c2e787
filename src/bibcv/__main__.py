from bibcv.launch import main

main()
